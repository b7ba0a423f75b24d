#include "rom/pci_rom_repack.h"

#include <fmt/format.h>

#include "support/error.h"
#include "rom/pci_rom_pack.h"

namespace romfit::pci {

static std::string imageKind(const Image &image) {
  if (!image.efi)
    return image.legacy ? "legacy" : codeTypeName(image.pcir.codeType);
  return pe::machineName(image.efi->machine) + " EFI";
}

llvm::Expected<Repacked> repack(llvm::ArrayRef<uint8_t> bytes, bool compress,
                                efi::EfiLevel level) {
  auto rom = parse(bytes);
  if (!rom)
    return rom.takeError();
  Repacked result;
  std::vector<Bytes> images;
  for (const Image &image : rom->images) {
    llvm::ArrayRef<uint8_t> original = imageBytes(bytes, image);
    RepackedImage row{imageKind(image), image.length, image.length};
    if (!image.efi) {
      images.emplace_back(original.begin(), original.end());
    } else {
      auto pe = extractPe(bytes, image);
      if (!pe)
        return withContext(pe.takeError(), fmt::format("image at 0x{:x}", image.offset));
      EfiWrapOptions options;
      options.vendor = image.pcir.vendor;
      options.device = image.pcir.device;
      options.classCode = image.pcir.classCode;
      options.deviceList = image.pcir.deviceList;
      options.compress = compress;
      options.level = level;
      auto wrapped = wrapEfiDriver(*pe, options);
      if (!wrapped)
        return withContext(wrapped.takeError(), fmt::format("image at 0x{:x}", image.offset));
      row.after = wrapped->image.size();
      images.push_back(std::move(wrapped->image));
    }
    result.images.push_back(row);
  }
  auto chained = chainImages(std::move(images));
  if (!chained)
    return chained.takeError();
  result.rom = std::move(*chained);
  return result;
}

} // namespace romfit::pci

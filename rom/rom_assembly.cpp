#include "rom/rom_assembly.h"

#include <fmt/format.h>
#include <llvm/Support/Path.h>

#include "rom/pe_summary.h"
#include "support/byte_sizes.h"
#include "support/error.h"

namespace romfit::pci {

std::string imageTypeText(const Image &image) {
  if (image.efi)
    return pe::machineName(image.efi->machine) + " EFI";
  return codeTypeName(image.pcir.codeType);
}

static bool startsWithRomSignature(llvm::ArrayRef<uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x55 && bytes[1] == 0xAA;
}

llvm::Error appendRomImages(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes,
                            std::vector<PackInput> &inputs) {
  auto rom = parse(bytes);
  if (!rom)
    return withContext(rom.takeError(), path.str());
  for (const Image &image : rom->images) {
    llvm::ArrayRef<uint8_t> slice = imageBytes(bytes, image);
    inputs.push_back({Bytes(slice.begin(), slice.end()), llvm::sys::path::filename(path).str(),
                      imageTypeText(image)});
  }
  return llvm::Error::success();
}

llvm::Error appendEfiInput(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes,
                           const EfiWrapOptions &options, bool idsKnown,
                           std::vector<PackInput> &inputs) {
  if (startsWithRomSignature(bytes))
    return appendRomImages(path, bytes, inputs);
  if (!idsKnown)
    return makeError("{}: wrapping an EFI driver needs --vendor and --device (or a --legacy image "
                     "to take them from)",
                     path.str());
  auto wrapped = wrapEfiDriver(bytes, options);
  if (!wrapped)
    return withContext(wrapped.takeError(), path.str());
  std::string detail = fmt::format("{} EFI, PE {} B {}", pe::machineName(wrapped->machine),
                                   withThousands(wrapped->peSize),
                                   wrapped->compressed ? "compressed" : "uncompressed");
  if (options.compress && !wrapped->compressed)
    detail += " (compression gave nothing smaller)";
  inputs.push_back({std::move(wrapped->image), llvm::sys::path::filename(path).str(), detail});
  return llvm::Error::success();
}

static std::string imageBaseName(size_t index, const Image &image) {
  if (image.efi)
    return fmt::format("image{}-efi-{}", index, pe::machineFileTag(image.efi->machine));
  return fmt::format("image{}-{}", index, codeTypeName(image.pcir.codeType));
}

llvm::Expected<std::vector<UnpackedFile>> unpackRom(llvm::StringRef path,
                                                    llvm::ArrayRef<uint8_t> bytes,
                                                    const Rom &rom) {
  std::vector<UnpackedFile> outputs;
  for (size_t i = 0; i < rom.images.size(); ++i) {
    const Image &image = rom.images[i];
    llvm::ArrayRef<uint8_t> slice = imageBytes(bytes, image);
    std::string base = imageBaseName(i, image);
    // Flagged last, each file is a ROM of its own: the legacy image of an
    // efi-*.rom comes out identical to the matching pxe-*.rom.
    Bytes standalone(slice.begin(), slice.end());
    if (llvm::Error error = setLastImageFlag(standalone, true))
      return withContext(std::move(error), path.str());
    outputs.push_back({base + (image.efi ? ".efirom" : ".rom"), std::move(standalone),
                       fmt::format("image {} ({})", i, imageTypeText(image))});
    if (!image.efi)
      continue;
    auto pe = extractPe(bytes, image);
    if (!pe)
      return withContext(pe.takeError(), path.str());
    outputs.push_back({base + ".efi", std::move(*pe),
                       fmt::format("PE of image {}{}", i,
                                   image.efi->isCompressed() ? ", decompressed" : "")});
  }
  return outputs;
}

} // namespace romfit::pci

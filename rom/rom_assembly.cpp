#include "rom/rom_assembly.h"

#include <iterator>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <llvm/Support/Path.h>

#include "rom/pe_summary.h"
#include "support/byte_sizes.h"
#include "support/error.h"
#include "support/file_io.h"

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

llvm::Error appendRomFiles(const std::vector<std::string> &paths, std::vector<PackInput> &inputs) {
  for (const std::string &path : paths) {
    auto bytes = readFileBytes(path);
    if (!bytes)
      return bytes.takeError();
    if (llvm::Error error = appendRomImages(path, *bytes, inputs))
      return error;
  }
  return llvm::Error::success();
}

llvm::Error appendEfiFiles(const std::vector<std::string> &paths, const EfiWrapOptions &options,
                           bool idsKnown, std::vector<PackInput> &inputs) {
  std::vector<Bytes> files;
  for (const std::string &path : paths) {
    auto bytes = readFileBytes(path);
    if (!bytes)
      return bytes.takeError();
    files.push_back(std::move(*bytes));
  }
  std::vector<std::vector<PackInput>> wrapped(paths.size());
  std::vector<std::optional<llvm::Error>> errors(paths.size());
  {
    std::vector<std::thread> workers;
    for (size_t i = 0; i < paths.size(); ++i)
      workers.emplace_back([&, i] {
        errors[i].emplace(appendEfiInput(paths[i], files[i], options, idsKnown, wrapped[i]));
      });
    for (std::thread &worker : workers)
      worker.join();
  }
  llvm::Error firstError = llvm::Error::success();
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!firstError)
      firstError = std::move(*errors[i]);
    else
      llvm::consumeError(std::move(*errors[i]));
    std::move(wrapped[i].begin(), wrapped[i].end(), std::back_inserter(inputs));
  }
  return firstError;
}

llvm::Expected<Bytes> catromFiles(const std::vector<std::string> &paths) {
  Bytes rom;
  for (size_t i = 0; i < paths.size(); ++i) {
    auto bytes = readFileBytes(paths[i]);
    if (!bytes)
      return bytes.takeError();
    auto images = splitImages(*bytes);
    if (!images)
      return withContext(images.takeError(), paths[i]);
    if (i + 1 < paths.size()) {
      if (llvm::Error error = setLastImageFlag(images->back(), false))
        return withContext(std::move(error), paths[i]);
    }
    for (const Bytes &image : *images)
      rom.insert(rom.end(), image.begin(), image.end());
  }
  return rom;
}

llvm::Expected<AssembledRom> assembleRom(std::vector<PackInput> inputs) {
  AssembledRom assembled;
  std::vector<Bytes> images;
  for (size_t i = 0; i < inputs.size(); ++i) {
    assembled.parts.push_back(
        {fmt::format("{} {}", i, inputs[i].source), inputs[i].detail, inputs[i].image.size()});
    images.push_back(std::move(inputs[i].image));
  }
  auto chained = chainImages(std::move(images));
  if (!chained)
    return chained.takeError();
  assembled.bytes = std::move(*chained);
  return assembled;
}

llvm::Error padRom(AssembledRom &rom, uint64_t size) {
  uint64_t imagesEnd = rom.bytes.size();
  if (size < imagesEnd)
    return makeError("the images already take {} bytes", imagesEnd);
  rom.bytes.resize(size, 0);
  if (size > imagesEnd)
    rom.parts.push_back({"padding", "zeros after the last image", size - imagesEnd});
  return llvm::Error::success();
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

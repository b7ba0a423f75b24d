#pragma once
// iPXE's legacy BIOS image, attributed through the records its zbin tool
// follows (the .zinfo section of the linked ELF): COPY puts bytes of the
// flat binary into the image as they are; PACK writes a length, an LZMA
// stream of the bytes and a CRC; PAYL only aligns. The other records patch
// bytes in place and do not move anything.
//
// Each PACK stream is decoded (liblzma, compress/lzma) and must give the
// link's bytes back, as each COPY must match the image: the ELF beside a ROM
// describes it only when it is the ROM's own link.
//
// liblzma does not say what each byte cost, so the bytes of one PACK
// stream are shared among its rows by an estimate: the bits romfit's EFI
// encoder (LZ77 and Huffman) spends on each byte of the range, scaled to
// the LZMA stream's real size. docs/report-schema.md says so where it
// defines the compressed column.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "report/pe_attribution.h"
#include "report/size_tree.h"

namespace romfit::report {

struct ZinfoRecord {
  std::string type;  // "COPY", "PACK", "PAYL", "ADDB", ...
  uint32_t offset = 0;
  uint32_t length = 0;
  uint32_t align = 0;
};

llvm::Expected<std::vector<ZinfoRecord>> parseZinfo(llvm::ArrayRef<uint8_t> zinfo);

// The rows of `image` (sections down to symbols, plus framing, alignment
// and padding), or an error saying why `detail` does not describe it.
llvm::Expected<std::vector<SizeNode>> attributeZinfoImage(llvm::ArrayRef<uint8_t> image,
                                                          const LinkDetail &detail);

} // namespace romfit::report

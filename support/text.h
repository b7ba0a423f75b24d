#pragma once
// Names, scripts and rule files are text; a reader that meets a control byte
// or malformed UTF-8 refuses the input instead of echoing the bytes into a
// terminal, a JSON report or build.ninja.
#include <optional>
#include <string>

#include <fmt/format.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/ConvertUTF.h>

namespace romfit {

// Where `text` stops being text (a control byte other than tab, or bytes
// that are not UTF-8), if it does. In a whole file line breaks are text too.
inline std::optional<size_t> firstNonTextByte(llvm::StringRef text, bool isWholeFile = false) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char byte = text[i];
    bool isLineBreak = byte == '\n' || byte == '\r' || byte == '\f' || byte == '\v';
    if ((byte < 0x20 && byte != '\t' && !(isWholeFile && isLineBreak)) || byte == 0x7F)
      return i;
    if (byte < 0x80)
      continue;
    const auto *start = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
    unsigned length = llvm::getNumBytesForUTF8(byte);
    if (length > text.size() - i || !llvm::isLegalUTF8Sequence(start, start + length))
      return i;
    i += length - 1;
  }
  return std::nullopt;
}

// `text` with every byte that is not printable ASCII shown as \xNN, for
// messages about input that is not text.
inline std::string printable(llvm::StringRef text) {
  std::string shown;
  for (unsigned char byte : text)
    shown += byte >= 0x20 && byte < 0x7F ? std::string(1, char(byte)) : fmt::format("\\x{:02x}", byte);
  return shown;
}

} // namespace romfit

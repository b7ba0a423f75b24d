#pragma once
// One way to build errors: a formatted message that names what and where.
// Errors travel as llvm::Error/Expected values up to the driver, which prints
// them once and exits 2.
#include <fmt/format.h>
#include <llvm/Support/Error.h>

namespace romfit {

template <typename... Args>
llvm::Error makeError(fmt::format_string<Args...> format, Args &&...args) {
  return llvm::make_error<llvm::StringError>(
      fmt::format(format, std::forward<Args>(args)...),
      llvm::inconvertibleErrorCode());
}

// Prefixes an error's message with context, e.g. the file it came from.
inline llvm::Error withContext(llvm::Error error, const std::string &context) {
  if (!error)
    return error;
  return makeError("{}: {}", context, llvm::toString(std::move(error)));
}

} // namespace romfit

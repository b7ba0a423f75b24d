#pragma once
// The bad-input tables: each row makes one hostile file, runs the real
// romfit on it and expects exit 2, a message naming the file and where in it
// the trouble is, and no trace: no output, no file added or changed.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>

#include "support/file_io.h"
#include "tests/test_support.h"

namespace romfit::testing {

struct BadInput {
  std::string name;
  // The hostile file, written as NAME + the table's extension; nullopt: the
  // path is named but nothing is there.
  std::optional<Bytes> bytes;
  // romfit's arguments: "{file}" becomes the hostile file's path, "{out}" an
  // output path that must not exist afterwards.
  std::vector<std::string> command;
  // Besides the file's name, what the message must say: where (an offset, a
  // line, a member, an argument) and what.
  std::string where;
  bool fileIsDirectory = false;
};

inline Bytes bytesOf(llvm::StringRef text) { return Bytes(text.begin(), text.end()); }

inline void put64(Bytes &bytes, size_t at, uint64_t value) {
  for (int i = 0; i < 8; ++i)
    bytes[at + i] = uint8_t(value >> (8 * i));
}

// An ar member: where its 60-byte header starts, its name, date and size.
struct ArMember {
  size_t at = 0;
  std::string name;
  uint64_t modified = 0;
  size_t size = 0;
};

inline std::vector<ArMember> arMembers(const Bytes &archive) {
  std::vector<ArMember> members;
  for (size_t at = 8; at + 60 <= archive.size();) {
    std::string header(archive.begin() + at, archive.begin() + at + 60);
    ArMember member{at, llvm::StringRef(header.substr(0, 16)).rtrim().rtrim('/').str(),
                    std::stoull(header.substr(16, 12)), size_t(std::stoull(header.substr(48, 10)))};
    if (member.name.empty())
      member.name = "/";
    members.push_back(member);
    at += 60 + member.size + (member.size & 1);
  }
  return members;
}

// Every regular file under `directory` with its contents.
inline std::map<std::string, std::string> snapshot(const std::string &directory) {
  std::map<std::string, std::string> files;
  std::error_code error;
  for (llvm::sys::fs::recursive_directory_iterator it(directory, error), end; it != end && !error;
       it.increment(error))
    if (it->type() == llvm::sys::fs::file_type::regular_file)
      files[it->path()] = readText(it->path());
  return files;
}

inline std::string substituted(const std::string &word, const std::string &file,
                               const std::string &out) {
  if (word == "{file}")
    return file;
  if (word == "{out}")
    return out;
  return word;
}

// Runs each row; `watched` are directories (fixtures, inputs) no run may touch.
inline void expectEachRefused(const std::vector<BadInput> &rows, const std::string &extension,
                              const std::vector<std::string> &watched = {}) {
  std::map<std::string, std::map<std::string, std::string>> before;
  for (const std::string &directory : watched)
    before[directory] = snapshot(directory);
  for (const BadInput &row : rows) {
    SCOPED_TRACE(row.name);
    std::string scratch = makeScratchDir("bad-input");
    std::string fileName = row.name + extension;
    std::string file = scratch + "/" + fileName, out = scratch + "/out";
    if (row.fileIsDirectory) {
      ASSERT_FALSE(llvm::sys::fs::create_directory(file));
    } else if (row.bytes) {
      ASSERT_FALSE(writeFileAtomically(file, *row.bytes));
    }
    std::vector<std::string> arguments;
    bool namesFile = false;
    for (const std::string &word : row.command) {
      arguments.push_back(substituted(word, file, out));
      namesFile |= word == "{file}";
    }
    auto inScratch = snapshot(scratch);

    CommandResult result = runRomfit(arguments);
    EXPECT_EQ(result.status, 2) << result.out << result.err;
    if (namesFile) {
      EXPECT_NE(result.err.find(fileName), std::string::npos) << result.err;
    }
    EXPECT_NE(result.err.find(row.where), std::string::npos)
        << "expected '" << row.where << "' in: " << result.err;
    EXPECT_FALSE(fileExists(out)) << "a failed run left " << out;
    EXPECT_EQ(snapshot(scratch), inScratch) << "the run changed or added files beside its input";
    llvm::sys::fs::remove_directories(scratch);
  }
  for (const std::string &directory : watched)
    EXPECT_EQ(snapshot(directory), before[directory]) << directory << " changed";
}

} // namespace romfit::testing

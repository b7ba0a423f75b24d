#include "verify/proof_record.h"

#include <time.h>

#include <chrono>

#include <fmt/format.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/SHA256.h>

#include "support/error.h"
#include "support/file_io.h"
#include "support/tool_root.h"

namespace romfit::verify {
namespace {

// Bumped when what a key holds changes: older records then never match.
constexpr int kRecordVersion = 1;
constexpr size_t kProofsKeptPerRom = 4;

llvm::json::Value keyJson(const ProofKey &key) {
  llvm::json::Array inputs;
  for (const ProofInput &input : key.inputs)
    inputs.push_back(llvm::json::Object{
        {"role", input.role}, {"path", input.path}, {"sha256", input.sha256}});
  llvm::json::Array expected;
  for (const std::string &line : key.expectedLines)
    expected.push_back(line);
  return llvm::json::Object{{"rom_sha256", key.romSha256}, {"depth", key.depth},
                            {"nic", key.nicModel},         {"expected_lines", std::move(expected)},
                            {"inputs", std::move(inputs)}};
}

std::optional<ProofKey> keyFromJson(const llvm::json::Object *object) {
  if (!object)
    return std::nullopt;
  ProofKey key;
  auto text = [&](llvm::StringRef name, std::string &into) {
    auto value = object->getString(name);
    if (value)
      into = value->str();
    return bool(value);
  };
  const llvm::json::Array *inputs = object->getArray("inputs");
  const llvm::json::Array *expected = object->getArray("expected_lines");
  if (!text("rom_sha256", key.romSha256) || !text("depth", key.depth) ||
      !text("nic", key.nicModel) || !inputs || !expected)
    return std::nullopt;
  for (const llvm::json::Value &line : *expected) {
    auto value = line.getAsString();
    if (!value)
      return std::nullopt;
    key.expectedLines.push_back(value->str());
  }
  for (const llvm::json::Value &entry : *inputs) {
    const llvm::json::Object *input = entry.getAsObject();
    if (!input)
      return std::nullopt;
    auto role = input->getString("role"), path = input->getString("path"),
         sha = input->getString("sha256");
    if (!role || !path || !sha)
      return std::nullopt;
    key.inputs.push_back({role->str(), path->str(), sha->str()});
  }
  return key;
}

} // namespace

std::string sha256Hex(llvm::ArrayRef<uint8_t> bytes) {
  llvm::SHA256 hash;
  hash.update(bytes);
  return llvm::toHex(hash.final(), /*LowerCase=*/true);
}

std::string utcTimestamp() {
  time_t now = ::time(nullptr);
  struct tm utc;
  ::gmtime_r(&now, &utc);
  char text[32];
  ::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

ProofRecord ProofRecord::load(llvm::StringRef path, std::string *warning) {
  if (!llvm::sys::fs::exists(path))
    return ProofRecord();  // no record yet
  auto buffer = readFile(path);
  if (!buffer) {
    if (warning)
      *warning = llvm::toString(buffer.takeError()) + "; every ROM is booted again";
    else
      llvm::consumeError(buffer.takeError());
    return ProofRecord();
  }
  return parse((*buffer)->getBuffer(), path, warning);
}

ProofRecord ProofRecord::parse(llvm::StringRef text, llvm::StringRef path, std::string *warning) {
  ProofRecord record;
  auto fail = [&](const std::string &why) {
    if (warning)
      *warning = fmt::format("{}: {}; every ROM is booted again", path.str(), why);
    return ProofRecord();
  };
  auto parsed = llvm::json::parse(text);
  if (!parsed)
    return fail("not JSON (" + llvm::toString(parsed.takeError()) + ")");
  const llvm::json::Object *top = parsed->getAsObject();
  if (!top || top->getInteger("version") != llvm::Optional<int64_t>(kRecordVersion))
    return fail(fmt::format("not a proof record of version {}", kRecordVersion));
  const llvm::json::Array *proofs = top->getArray("proofs");
  const llvm::json::Object *files = top->getObject("files");
  if (!proofs || !files)
    return fail("no \"proofs\" or \"files\"");
  for (const llvm::json::Value &entry : *proofs) {
    const llvm::json::Object *object = entry.getAsObject();
    if (!object)
      return fail("a proof that is not an object");
    auto key = keyFromJson(object->getObject("key"));
    auto romId = object->getString("rom"), at = object->getString("proved_at"),
         verdict = object->getString("verdict");
    if (!key || !romId || !at || !verdict)
      return fail("a proof without its rom, key, proved_at or verdict");
    record.proofs_.push_back({romId->str(), std::move(*key), at->str(), verdict->str()});
  }
  for (const auto &[file, value] : *files) {
    const llvm::json::Object *object = value.getAsObject();
    if (!object || !object->getInteger("size") || !object->getInteger("modified_ns") ||
        !object->getInteger("inode") || !object->getString("sha256"))
      return fail(
          fmt::format("file entry '{}' lacks size, modified_ns, inode or sha256", file.str()));
    record.digests_[file.str()] = FileDigest{
        uint64_t(*object->getInteger("size")), *object->getInteger("modified_ns"),
        *object->getInteger("inode"), object->getString("sha256")->str()};
  }
  return record;
}

std::string ProofRecord::text() const {
  llvm::json::Array proofs;
  for (const RecordedProof &proof : proofs_)
    proofs.push_back(llvm::json::Object{{"rom", proof.romId},
                                        {"proved_at", proof.provedAt},
                                        {"key", keyJson(proof.key)},
                                        {"verdict", proof.verdict}});
  llvm::json::Object files;
  for (const auto &[file, digest] : digests_)
    files[file] = llvm::json::Object{{"size", int64_t(digest.size)},
                                     {"modified_ns", digest.modifiedNs},
                                     {"inode", digest.inode},
                                     {"sha256", digest.sha256}};
  llvm::json::Value top = llvm::json::Object{
      {"version", kRecordVersion}, {"proofs", std::move(proofs)}, {"files", std::move(files)}};
  return llvm::formatv("{0:2}\n", top).str();
}

llvm::Error ProofRecord::save(llvm::StringRef path) const { return writeFileAtomically(path, text()); }

const RecordedProof *ProofRecord::find(const ProofKey &key) const {
  auto found = llvm::find_if(proofs_, [&](const RecordedProof &proof) { return proof.key == key; });
  return found == proofs_.end() ? nullptr : &*found;
}

void ProofRecord::add(RecordedProof proof) {
  llvm::erase_if(proofs_, [&](const RecordedProof &old) { return old.key == proof.key; });
  proofs_.push_back(std::move(proof));
  size_t kept = 0;
  for (size_t i = proofs_.size(); i-- > 0;) {
    if (proofs_[i].romId != proofs_.back().romId)
      continue;
    if (++kept > kProofsKeptPerRom)
      proofs_.erase(proofs_.begin() + i);
  }
}

llvm::Expected<std::string> ProofRecord::digestOf(const std::string &path) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return makeError("{}: cannot read: {}", path, ec.message());
  int64_t modified = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         status.getLastModificationTime().time_since_epoch())
                         .count();
  // A file replaced by a rename (as dpkg and romfit write) is a new inode.
  int64_t inode = int64_t(status.getUniqueID().getFile());
  auto known = digests_.find(path);
  if (known != digests_.end() && known->second.size == status.getSize() &&
      known->second.modifiedNs == modified && known->second.inode == inode)
    return known->second.sha256;
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  std::string sha = sha256Hex(asBytes(**buffer));
  digests_[path] = {status.getSize(), modified, inode, sha};
  return sha;
}

llvm::Expected<ProofKey> ProofRecord::keyFor(llvm::ArrayRef<uint8_t> romBytes,
                                             const BootTools &tools,
                                             const BootCheckRequest &request,
                                             llvm::ArrayRef<Firmware> firmwares) {
  ProofKey key;
  key.romSha256 = sha256Hex(romBytes);
  key.depth = depthName(request.depth).str();
  key.nicModel = request.nicModel;
  key.expectedLines = request.expectedLines;
  for (Firmware firmware : firmwares) {
    const LocatedFirmware *located = tools.find(firmware);
    if (!located)
      continue;  // not booted: not part of the proof
    std::string name = firmwareName(firmware).str();
    auto onHost = [&](const std::string &path) {
      return located->toolRoot.empty() ? path : support::ToolRoot{located->toolRoot}.hostPath(path);
    };
    std::vector<std::pair<std::string, std::string>> files = {
        {name + " qemu", onHost(located->qemu)}, {name + " code", onHost(located->code)}};
    if (!located->varsTemplate.empty())
      files.emplace_back(name + " variables", located->varsTemplate);
    if (request.servesBootPrograms()) {
      auto program = locateBootProgram(firmware, request.bootPrograms);
      if (!program)
        return program.takeError();
      files.emplace_back(name + " boot program", *program);
    }
    for (auto &[role, path] : files) {
      auto sha = digestOf(path);
      if (!sha)
        return sha.takeError();
      key.inputs.push_back({role, path, *sha});
    }
  }
  return key;
}

} // namespace romfit::verify

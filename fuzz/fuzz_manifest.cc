// Fuzz target: bytes as a manifest file -> Manifest::Load, then one Commit and a reload.
// The first input byte picks the mode: odd rewrites every line's CRC to match its body first,
// so the fuzzer gets past the checksum into the JSON decoding; the rest is the file.
// Invariants: Load never crashes and fails only with Corruption and a message; on success the
// committed prefix alone loads to the same state, and a Commit (the key taken from the input)
// followed by a reload adds exactly that record.
#include <libdeflate.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "base/file_util.h"
#include "warehouse/legacy_manifest.h"
#include "fuzz_check.h"

namespace {

using adxm::fuzz::Require;

// The observable state of a loaded manifest.
struct State {
  size_t objects = 0;
  std::set<std::string> live_files;
  uint64_t next_txn = 0;
  uint64_t committed_size = 0;
  bool operator==(const State&) const = default;
};

State Snapshot(const adxm::LegacyManifest& manifest) {
  return State{manifest.object_count(), manifest.live_files(), manifest.next_txn(), manifest.committed_size()};
}

// A scratch file in memory when possible (Commit fsyncs), removed at exit.
struct ScratchFile {
  std::filesystem::path path =
      (std::filesystem::is_directory("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                 : std::filesystem::temp_directory_path()) /
      ("adxm_fuzz_manifest." + std::to_string(getpid()));
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

const std::filesystem::path& ManifestPath() {
  static const ScratchFile file;
  return file.path;
}

// Return `data` with each "<crc8> <body>" line's CRC replaced by the body's.
std::string FixCrcs(std::string data) {
  for (size_t pos = 0; pos < data.size();) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    if (end - pos >= 9 && data[pos + 8] == ' ') {
      char crc[9];
      std::snprintf(crc, sizeof(crc), "%08x", libdeflate_crc32(0, data.data() + pos + 9, end - pos - 9));
      data.replace(pos, 8, crc, 8);
    }
    pos = end + 1;
  }
  return data;
}

// Write `content` as the manifest file and load it; `what` names the expectation that it loads.
std::unique_ptr<adxm::LegacyManifest> LoadOk(std::string_view content, const char* what) {
  Require(adxm::WriteFile(ManifestPath(), content, /*sync=*/false).ok(), "write the manifest file");
  auto manifest = adxm::LegacyManifest::Load(ManifestPath());
  Require(manifest.ok(), what);
  return std::move(*manifest);
}

// Return the state `manifest` (in `before`) reaches by committing `record`.
State Applied(State before, const adxm::CommitRecord& record, bool key_known) {
  before.objects += key_known ? 0 : 1;
  for (const std::string& file : record.removed_files) before.live_files.erase(file);
  for (const std::string& file : record.added_files) before.live_files.insert(file);
  before.next_txn += 1;
  before.committed_size += adxm::LegacyManifest::EncodeLine(record).size();
  return before;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string content(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) content = FixCrcs(std::move(content));
  Require(adxm::WriteFile(ManifestPath(), content, /*sync=*/false).ok(), "write the manifest file");
  auto loaded = adxm::LegacyManifest::Load(ManifestPath());
  if (!loaded.ok()) {
    Require(loaded.status().code() == adxm::StatusCode::kCorruption, "Load fails only with Corruption");
    Require(!loaded.status().message().empty(), "an error has a message");
    return 0;
  }
  std::unique_ptr<adxm::LegacyManifest> manifest = std::move(*loaded);
  State before = Snapshot(*manifest);
  Require(before.committed_size <= content.size(), "the committed prefix lies in the file");
  Require(before.committed_size == 0 || content[before.committed_size - 1] == '\n',
          "the committed prefix ends at a line end");
  std::string_view prefix = std::string_view(content).substr(0, before.committed_size);
  Require(Snapshot(*LoadOk(prefix, "the committed prefix loads")) == before,
          "the committed prefix alone loads to the same state");

  // Commit over the file with its torn tail (Commit truncates it), then reload.
  manifest = LoadOk(content, "the file loads again");
  adxm::CommitRecord record;
  record.txn = before.next_txn;
  record.objects.emplace_back().key = content.substr(content.size() - std::min<size_t>(content.size(), 24));
  record.added_files = {"year=2024/month=01/day=02/fuzz.parquet"};
  if (!before.live_files.empty()) record.removed_files = {*before.live_files.begin()};
  const std::string& key = record.objects[0].key;
  bool key_known = manifest->Contains(key);
  adxm::Status committed = manifest->Commit(record);
  if (!simdjson::validate_utf8(key.data(), key.size())) {
    Require(committed.code() == adxm::StatusCode::kInvalidArgument, "Commit rejects a key that is not UTF-8");
    Require(Snapshot(*manifest) == before, "a rejected Commit changes nothing");
    return 0;
  }
  Require(committed.ok(), "Commit succeeds");
  State expected = Applied(before, record, key_known);
  Require(Snapshot(*manifest) == expected, "Commit applies the record");
  auto reloaded = adxm::LegacyManifest::Load(ManifestPath());
  Require(reloaded.ok(), "the manifest loads after a Commit");
  Require(Snapshot(**reloaded) == expected, "a reload sees the commit");
  Require((*reloaded)->Contains(key), "the committed key round-trips");
  return 0;
}

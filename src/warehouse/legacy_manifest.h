// LegacyManifest: the single-file manifest of warehouse format 1 (_adxmetrics/manifest), read to
// migrate such a warehouse to the log + checkpoint manifest (manifest.h) and to query it until then.
//
// The append-only log that defined a format-1 warehouse's committed state.
//
// Each line is one commit: "<crc32 hex8> <json>\n". A commit names the log objects
// it processed and the Parquet files it added and removed (compaction removes).
// The live data files are those added and not since removed; anything else on disk
// is garbage from an interrupted run. A torn or unterminated last line is an
// uncommitted tail and is ignored (and truncated before the next append); a bad
// line followed by valid ones is Corruption. See docs/manifest_format.md.
//
// Thread-safety: none; one ingest owns it under the warehouse lock; readers Load their own copy.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto manifest, LegacyManifest::Load(layout.manifest_path()));
//   if (!manifest->Contains(object.key)) ...
//   ADXM_RETURN_IF_ERROR(manifest->Commit(record));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/file_util.h"
#include "base/status.h"
#include "warehouse/manifest.h"

namespace adxm {

class LegacyManifest {
 public:
  /// Load `path` (a missing file is an empty manifest). Corruption if a committed line is damaged.
  static Result<std::unique_ptr<LegacyManifest>> Load(const std::filesystem::path& path);

  /// Parse the manifest bytes `data` (read from `path`).
  static Result<std::unique_ptr<LegacyManifest>> Parse(std::string_view data, const std::filesystem::path& path);

  /// Every processed object, by key.
  const std::unordered_map<std::string, IndexedObject>& objects() const { return objects_; }

  /// The last committed txn.
  uint64_t last_txn() const { return last_txn_; }

  /// True when `key` was processed by a committed run.
  bool Contains(std::string_view key) const { return objects_.count(std::string(key)) > 0; }

  /// Live data files, relative to the table directory, sorted.
  const std::set<std::string>& live_files() const { return live_files_; }

  /// Number of processed objects.
  size_t object_count() const { return objects_.size(); }

  /// The txn number the next commit must use.
  uint64_t next_txn() const { return last_txn_ + 1; }

  /// Bytes of the file that hold committed lines (a torn tail lies past this).
  uint64_t committed_size() const { return committed_size_; }

  /// Append `record` durably (write + fsync) and apply it. The commit point of every change.
  /// InvalidArgument (nothing written) if a key, version or file name is not valid UTF-8.
  Status Commit(const CommitRecord& record);

  /// Serialize one record as a manifest line (with CRC and newline). Strings must be valid UTF-8.
  static std::string EncodeLine(const CommitRecord& record);

 private:
  explicit LegacyManifest(std::filesystem::path path) : path_(std::move(path)) {}
  Status Apply(const CommitRecord& record);

  std::filesystem::path path_;
  std::unordered_map<std::string, IndexedObject> objects_;
  std::set<std::string> live_files_;
  uint64_t last_txn_ = 0;
  uint64_t committed_size_ = 0;
  std::unique_ptr<AppendFile> file_;  // Opened on first Commit.
};

}  // namespace adxm

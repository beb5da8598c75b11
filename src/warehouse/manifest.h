// Manifest: the commit log and checkpoints that define a warehouse's committed state
// (docs/manifest_format.md).
//
// Each commit is one object _adxmetrics/log/<txn>.json written with PutIfAbsent: that write is
// the commit point, and two writers can never both commit the same txn. Every
// `checkpoint_commits` commits (or `checkpoint_objects` objects) a checkpoint records the whole
// state at one txn: live data files, files replaced but retained for readers, the rejection
// ledger, and the processed-object index as parts by log day (only the parts that changed are
// rewritten). Opening reads the newest checkpoint plus the short log tail after it, never the
// whole history; the object index parts are read only by LookupObjects, one part at a time.
// Older checkpoints, log entries and parts are deleted once two newer checkpoints exist.
// A warehouse written with the single-file manifest of format 1 opens as `legacy` state.
//
// Thread-safety: none; the writer owns one under the warehouse lock; readers Open their own.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Open(store));
//   for (const std::string& file : manifest->state().live_files) ...
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "warehouse/object_index.h"
#include "warehouse/store.h"

namespace adxm {

/// One processed log object.
struct ObjectRecord {
  std::string key;          // Source key.
  uint64_t size = 0;        // Bytes as read.
  std::string version;      // ETag or mtime.
  uint64_t events = 0;      // Records in the object.
  uint64_t rows = 0;        // Qualifying rows written (after dedup).
  uint64_t duplicates = 0;  // Qualifying records dropped as already present.
};

/// A log object that could not be ingested: the rejection ledger's entry.
struct RejectRecord {
  std::string key;
  uint64_t size = 0;
  std::string version;     // The version that failed; a new version is retried at once.
  std::string reason;
  uint64_t attempts = 0;   // Runs that tried this version and failed.
  int64_t first_seen = 0;  // Unix seconds.
  int64_t last_seen = 0;
};

/// A qualifying record that could not become a row, kept for `adxmetrics rejects` (its object is
/// processed: its other records are rows).
struct QuarantinedRecord {
  std::string key;            // The log object.
  uint64_t record_index = 0;  // Position in its Records array, from 0.
  std::string reason;
  std::string raw_json;       // The record as written, cut at kMaxQuarantinedJson bytes.
  int64_t time = 0;           // Unix seconds of the commit that recorded it.
};

/// Bytes of a quarantined record's JSON kept; records kept (the newest).
inline constexpr size_t kMaxQuarantinedJson = 1024;
inline constexpr size_t kMaxQuarantinedRecords = 5000;

/// A data file a commit removed, kept for snapshots until vacuumed.
struct RetainedFile {
  std::string path;          // Relative to the table folder.
  uint64_t removed_txn = 0;  // The commit that removed it.
  int64_t removed_time = 0;  // Unix seconds of that commit.
};

/// One atomic change to the warehouse.
struct CommitRecord {
  uint64_t txn = 0;                        // Sequence number, 1-based, increasing.
  int64_t time = 0;                        // Unix seconds.
  std::vector<ObjectRecord> objects;       // Objects now processed (their rejects are cleared).
  std::vector<std::string> added_files;    // Data files now live, relative to the table folder.
  std::vector<std::string> removed_files;  // Data files no longer live (compaction); retained.
  std::vector<RejectRecord> rejects;       // Ledger entries to insert or replace.
  std::vector<std::string> vacuumed;       // Retained files now deleted.
  std::vector<QuarantinedRecord> quarantined;  // Malformed records of this commit's objects.
};

/// The committed state a snapshot and the writer need.
struct ManifestState {
  uint64_t txn = 0;                               // Last commit (0: empty).
  std::set<std::string> live_files;               // Relative to the table folder, sorted.
  std::map<std::string, RetainedFile> retained;   // By path.
  std::map<std::string, RejectRecord> rejects;    // By key.
  // Malformed records, oldest first: at most kMaxQuarantinedRecords (quarantined_total counts all).
  std::vector<QuarantinedRecord> quarantined;
  uint64_t quarantined_total = 0;
  bool legacy = false;  // Format 1: data files exist only under their visible keys.
};

struct ManifestOptions {
  uint64_t checkpoint_commits = 32;       // Checkpoint after this many commits since the last one,
  uint64_t checkpoint_objects = 100000;   // or after this many objects.
};

class Manifest {
 public:
  /// Load the committed state of the warehouse in `store`. A missing manifest is an empty one.
  static Result<std::unique_ptr<Manifest>> Open(Store* store, const ManifestOptions& options = {});

  const ManifestState& state() const { return state_; }
  uint64_t next_txn() const { return state_.txn + 1; }
  /// True when nothing was ever committed (no log, no checkpoint, no format-1 manifest).
  bool empty() const { return state_.txn == 0 && !state_.legacy; }
  /// Processed objects (as of the last checkpoint plus the tail).
  uint64_t object_count() const { return checkpoint_objects_ + tail_.size(); }
  /// The txn of the checkpoint the state was loaded from or last written (0: none).
  uint64_t checkpoint_txn() const { return checkpoint_txn_; }
  /// Key of a damaged last log entry (a write that never completed); empty if none.
  const std::string& torn_tail() const { return torn_key_; }

  /// The newest log day ("YYYYMMDD", from the objects' "/YYYY/MM/DD/" folders) of any processed
  /// object, no later than `not_after` ("YYYYMMDD"), or "" when none came from a dated folder.
  /// Folders that are no calendar date (2024/13/45) or later than `not_after` (a stray object in
  /// a future day's folder) do not count: a listing from them would leave out late deliveries
  /// into the real recent days. Reads nothing.
  std::string NewestLogDay(std::string_view not_after) const;

  /// For each of `keys`, the processed object of that key, if any. Reads index parts one at a time.
  Status LookupObjects(const std::vector<std::string>& keys, std::vector<std::optional<IndexedObject>>* found);

  /// Write `record` (txn must be next_txn()) as the commit point, apply it, and checkpoint when due.
  Status Commit(const CommitRecord& record);

  /// Write a checkpoint of the current state (if any commit came since the last one) and delete
  /// what two checkpoints make unnecessary.
  Status Checkpoint();

  /// Delete a damaged last log entry (writer only, under the lock).
  Status DropTornTail();

  /// Turn format-1 state into a checkpoint (writer only; its data files must already be copied
  /// to their stable keys). The format-1 file is kept as _adxmetrics/manifest.format1.
  Status FinishMigration();

  /// Serialize one record as a log entry ("<crc32 hex8> <json>\n"). Strings must be valid UTF-8.
  static std::string EncodeRecord(const CommitRecord& record);
  /// True when every key, version, reason and file name of `record` is valid UTF-8.
  static bool IsEncodable(const CommitRecord& record);
  /// Parse a log entry (with or without its newline); false when damaged.
  static bool DecodeRecord(std::string_view entry, CommitRecord* record);

 private:
  struct Part {
    std::string key;     // Store key of the part file.
    uint64_t count = 0;  // Objects in it.
  };
  Manifest(Store* store, const ManifestOptions& options) : store_(store), options_(options) {}
  Status LoadCheckpoint(uint64_t txn);
  Status LoadLegacy();
  Status Apply(const CommitRecord& record);
  Status WriteParts(std::map<std::string, Part>* parts);
  Status DeleteObsolete(const std::map<std::string, Part>& previous_parts);

  Store* store_;
  ManifestOptions options_;
  ManifestState state_;
  std::map<std::string, Part> parts_;  // Object index parts of the checkpoint, by log day.
  std::map<std::string, Part> previous_parts_;  // Of the checkpoint before (kept for fallback).
  uint64_t checkpoint_objects_ = 0;
  std::unordered_map<std::string, IndexedObject> tail_;  // Objects committed since the checkpoint.
  uint64_t checkpoint_txn_ = 0;
  uint64_t previous_checkpoint_txn_ = 0;
  std::string torn_key_;
};

}  // namespace adxm

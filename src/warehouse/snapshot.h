// Snapshot: the live data files of one committed version, for readers (query, reports, the
// dashboard server). Opening reads the newest checkpoint and the short log tail after it, not
// the history, and takes a lease (_adxmetrics/leases/<txn>-…) so that files a later compaction
// replaces stay readable under their stable keys until the snapshot is closed. A reader that runs
// for long re-opens to move to the newest version. Without write access to the warehouse the
// lease is skipped and the retention window (WarehouseOptions::retention_seconds) protects it.
//
// Thread-safety: immutable once open; may be shared by threads.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto snapshot, Snapshot::Open(store.get()));
//   for (const SnapshotFile& file : snapshot->files()) read_parquet(file.reader_path) ...
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "warehouse/store.h"

namespace adxm {

/// A live data file of a snapshot.
struct SnapshotFile {
  std::string relative;     // Relative to the table folder: "year=2023/month=05/day=01/part-….parquet".
  std::string reader_path;  // Where DuckDB reads it (stable for the snapshot's life).
};

class Snapshot {
 public:
  /// Open the newest committed version of the warehouse in `store` (no commit yet: no files).
  static Result<std::unique_ptr<Snapshot>> Open(Store* store);

  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  /// The commit this snapshot shows (0: an empty warehouse).
  uint64_t txn() const { return txn_; }
  /// Live data files, sorted by relative name.
  const std::vector<SnapshotFile>& files() const { return files_; }

 private:
  explicit Snapshot(Store* store) : store_(store) {}

  Store* store_;
  std::string lease_key_;
  uint64_t txn_ = 0;
  std::vector<SnapshotFile> files_;
  std::unique_ptr<StoreLock> lease_;
};

}  // namespace adxm

// Warehouse: a curated dataset opened for writing, and the commit protocol every reader can trust
// (docs/manifest_format.md, "Commit protocol").
//
// Invariant: at every instant, the files a reader lists under the table folder (skipping names
// that start with '_' or '.', as Hive, Athena, Trino and Spark do) hold each committed event at
// most once and never a partial or uncommitted file; when no ingest runs they hold exactly the
// committed dataset. To keep it, a commit
//   1. writes each new data file under its stable hidden key (_adxmetrics/data/…) and syncs it;
//   2. writes the log entry (Manifest::Commit, put-if-absent): the commit point;
//   3. publishes: replaces each removed file's visible name by an empty Parquet file (an atomic
//      replace, so a reader that listed it still reads a valid file, now without rows), then
//      links each added file under its visible name.
// Replaced files stay under their stable keys for snapshots until vacuumed: after
// `retention_seconds` and once no live lease (an open snapshot) predates their removal.
// Opening under the lock finishes any interrupted publish, deletes uncommitted files, and
// refuses a table folder holding files it did not write when there is no manifest. It deletes
// only names the warehouse itself writes; anything else is left and reported.
//
// Thread-safety: none; owned by one ingest, whose ingest thread and commit writer's thread use it
// in turn (CommitWriter::WaitIdle between them); NewDataFile and ReaderPath, which only call the
// store, may be called while the other thread commits.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(store.get(), {}));
//   ADXM_ASSIGN_OR_RETURN(auto file, warehouse->NewDataFile("year=2023/month=05/day=01/part-0000000001.parquet"));
//   ... write, Sync, Close ...
//   ADXM_RETURN_IF_ERROR(warehouse->Commit(record));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "warehouse/manifest.h"
#include "warehouse/store.h"

namespace adxm {

struct WarehouseOptions {
  // Replaced data files are kept (hidden) at least this long for readers of older snapshots.
  int64_t retention_seconds = 3600;
  // Unix seconds now; empty: the system clock. Tests inject one.
  std::function<int64_t()> clock;
  // Open a warehouse that has data files but no manifest (for Ingest's --rebuild).
  bool allow_unmanaged_files = false;
  ManifestOptions manifest;
};

/// What opening had to repair or found.
struct RecoveryReport {
  uint64_t uncommitted_removed = 0;  // Data files of commits that never happened, deleted.
  uint64_t published = 0;            // Committed files whose visible name was missing, linked.
  uint64_t unpublished = 0;          // Removed files still visible, emptied.
  bool migrated = false;             // A format-1 manifest was converted.
  std::vector<std::string> foreign_files;  // Visible files the warehouse did not write (left alone).
  std::vector<std::string> unmanaged_files;  // With allow_unmanaged_files: data files no manifest names.
};

class Warehouse {
 public:
  /// Lock, load, migrate and recover the warehouse in `store`.
  static Result<std::unique_ptr<Warehouse>> OpenForWrite(Store* store, const WarehouseOptions& options);

  Store* store() const { return store_; }
  const ManifestState& state() const { return manifest_->state(); }
  Manifest& manifest() { return *manifest_; }
  const RecoveryReport& recovery() const { return recovery_; }

  /// Create the stable copy of a new data file named relative to the table folder.
  Result<std::unique_ptr<WritableFile>> NewDataFile(const std::string& relative);
  /// A path DuckDB can read the data file `relative` at (live or retained).
  std::string ReaderPath(const std::string& relative) const;
  /// A reader of the data file `relative`'s bytes.
  ReadRangeFn DataReader(const std::string& relative) const;

  /// Commit `record` (txn = manifest().next_txn(); its added files written, synced and closed),
  /// then publish it. `record.time` is set here.
  Status Commit(CommitRecord record);

  /// Delete retained files past the retention window that no open snapshot may read; record it.
  Status Vacuum(uint64_t* vacuumed = nullptr);

  /// Write a checkpoint if commits came since the last one.
  Status Checkpoint() { return manifest_->Checkpoint(); }

  /// Unix seconds now (the injected clock).
  int64_t Now() const;

 private:
  Warehouse(Store* store, WarehouseOptions options) : store_(store), options_(std::move(options)) {}
  Status CheckFirstUse();
  Status Migrate();
  Status Recover();
  Status Publish(const CommitRecord& record);
  Status Unpublish(const std::string& relative, bool* changed);
  // True when the objects `a` and `b` are the same object or hold the same bytes.
  Result<bool> SameContent(const std::string& a, const std::string& b);
  Status SyncFolders(const std::vector<std::string>& keys);

  Store* store_;
  WarehouseOptions options_;
  std::unique_ptr<StoreLock> lock_;
  std::unique_ptr<Manifest> manifest_;
  RecoveryReport recovery_;
  std::string empty_file_;  // An empty Parquet file of the curated schema (the removed-file placeholder).
};

/// Return the bytes of an empty Parquet file of the curated schema.
std::string EmptyDataFileBytes();

/// Files of `live` under `partition_dir` (e.g. "year=2023/month=05/day=01"), relative to the table folder.
std::vector<std::string> LiveFilesIn(const std::set<std::string>& live, std::string_view partition_dir);

}  // namespace adxm

// Warehouse: a curated dataset directory opened for writing, and its commit protocol.
//
// Opening takes the warehouse lock (one writer at a time), empties staging, and
// deletes every data file the manifest does not name (left by an interrupted run).
// Commit publishes staged files and then appends the manifest record:
//   write to staging -> fsync -> rename into place -> fsync dirs -> manifest append + fsync.
// A crash before the append leaves only orphans, removed at the next open; so a
// rerun always continues from the last committed state. On an object store with no
// rename, files are PUT under their final unique names and the manifest record is
// still the commit point; the same orphan sweep applies (docs/design.md).
//
// Thread-safety: none; owned by one ingest.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(root));
//   fs::path staged = warehouse->StagingPath("1-19478.parquet");
//   ... write staged ...
//   ADXM_RETURN_IF_ERROR(warehouse->Commit({{staged, "year=2023/month=05/day=01/part-1.parquet"}}, record));
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/file_util.h"
#include "base/status.h"
#include "dataset/manifest.h"
#include "dataset/warehouse_layout.h"

namespace adxm {

/// A file written in staging and the path, relative to the table dir, it will live at.
struct StagedFile {
  std::filesystem::path staged;
  std::string relative;
};

/// Files of `live` under `partition_dir` (e.g. "year=2023/month=05/day=01"), relative to the table dir.
std::vector<std::string> LiveFilesIn(const std::set<std::string>& live, std::string_view partition_dir);

class Warehouse {
 public:
  /// Lock, create, clean and load the warehouse at `root`.
  static Result<std::unique_ptr<Warehouse>> OpenForWrite(const std::filesystem::path& root);

  const WarehouseLayout& layout() const { return layout_; }
  const Manifest& manifest() const { return *manifest_; }

  /// Number of orphan files removed when opening.
  size_t orphans_removed() const { return orphans_removed_; }

  /// Return a path inside staging for a file called `name`.
  std::filesystem::path StagingPath(std::string_view name) const { return layout_.staging_dir() / name; }

  /// Publish `files` and commit `record` (its added_files must list them). Removed files are deleted.
  Status Commit(const std::vector<StagedFile>& files, const CommitRecord& record);

  /// Absolute path of a file relative to the table dir.
  std::filesystem::path TablePath(std::string_view relative) const { return layout_.table_dir() / relative; }

 private:
  Warehouse(WarehouseLayout layout, std::unique_ptr<LockFile> lock)
      : layout_(std::move(layout)), lock_(std::move(lock)) {}
  Status RemoveOrphans();

  WarehouseLayout layout_;
  std::unique_ptr<LockFile> lock_;
  std::unique_ptr<Manifest> manifest_;
  size_t orphans_removed_ = 0;
};

}  // namespace adxm

#include "warehouse/warehouse.h"

#include <unistd.h>

#include <ctime>
#include <set>

#include "base/file_util.h"
#include "base/parallel.h"
#include "parquet/parquet_file_writer.h"
#include "warehouse/layout.h"

namespace adxm {
namespace {

// Folder fsyncs in flight at once.
constexpr size_t kSyncThreads = 16;

// Collects a Parquet file in memory (the empty placeholder file).
class StringFile : public WritableFile {
 public:
  explicit StringFile(std::string* out) : out_(out) {}
  Status Append(std::string_view data) override {
    out_->append(data);
    return Status::OK();
  }
  Status Sync() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }

 private:
  std::string* out_;
};

std::string Relative(std::string_view key, std::string_view prefix) { return std::string(key.substr(prefix.size())); }

}  // namespace

std::string EmptyDataFileBytes() {
  std::string bytes;
  auto writer = ParquetFileWriter::Create(std::make_unique<StringFile>(&bytes), "empty data file");
  if (!writer.ok() || !(*writer)->Close().ok()) return {};
  return bytes;
}

std::vector<std::string> LiveFilesIn(const std::set<std::string>& live, std::string_view partition_dir) {
  std::string prefix(partition_dir);
  prefix += '/';
  std::vector<std::string> files;
  for (auto it = live.lower_bound(prefix); it != live.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
    files.push_back(*it);
  }
  return files;
}

Result<std::unique_ptr<Warehouse>> Warehouse::OpenForWrite(Store* store, const WarehouseOptions& options) {
  std::unique_ptr<Warehouse> warehouse(new Warehouse(store, options));
  ADXM_ASSIGN_OR_RETURN(warehouse->lock_, store->Lock(std::string(WarehouseLayout::kLockKey), DescribeThisProcess()));
  ADXM_ASSIGN_OR_RETURN(warehouse->manifest_, Manifest::Open(store, options.manifest));
  warehouse->empty_file_ = EmptyDataFileBytes();
  if (warehouse->empty_file_.empty()) {
    return Status::Internal("cannot build the empty Parquet file that replaces removed data files");
  }
  ADXM_RETURN_IF_ERROR(warehouse->manifest_->DropTornTail());
  if (warehouse->manifest_->empty()) ADXM_RETURN_IF_ERROR(warehouse->CheckFirstUse());
  if (warehouse->state().legacy) ADXM_RETURN_IF_ERROR(warehouse->Migrate());
  ADXM_RETURN_IF_ERROR(warehouse->Recover());
  return warehouse;
}

int64_t Warehouse::Now() const { return options_.clock ? options_.clock() : static_cast<int64_t>(std::time(nullptr)); }

Status Warehouse::CheckFirstUse() {
  // No manifest: whatever is here was not committed by this warehouse.
  std::vector<StoreEntry> visible;
  ADXM_RETURN_IF_ERROR(store_->List(std::string(WarehouseLayout::kTablePrefix), &visible));
  std::vector<std::string> ours, foreign;
  for (const StoreEntry& entry : visible) {
    std::string relative = Relative(entry.key, WarehouseLayout::kTablePrefix);
    if (WarehouseLayout::IsHidden(relative)) continue;
    (WarehouseLayout::IsDataFileName(relative) ? ours : foreign).push_back(relative);
  }
  std::string table = store_->Describe() + "/" + std::string(WarehouseLayout::kTablePrefix);
  if (!foreign.empty()) {
    return Status::InvalidArgument(table + " holds " + std::to_string(foreign.size()) +
                                   " file(s) adxmetrics did not write (e.g. " + foreign.front() +
                                   "); refusing to ingest into it: move them away or choose another --warehouse");
  }
  if (options_.allow_unmanaged_files) {
    recovery_.unmanaged_files = std::move(ours);
    return Status::OK();
  }
  // Stable copies alone (nothing visible) are what a first run that never committed leaves:
  // Recover() deletes them. Visible data files with no manifest are a lost manifest.
  if (!ours.empty()) {
    return Status::InvalidArgument(store_->Describe() + " has data files but no manifest (" +
                                   std::to_string(ours.size()) +
                                   " visible); refusing to touch them: rerun with --rebuild to re-derive the "
                                   "manifest from the data files");
  }
  return Status::OK();
}

Status Warehouse::Migrate() {
  // Format 1 kept data files only under their visible names: give each live one its stable key.
  std::vector<std::string> data_keys;
  for (const std::string& relative : state().live_files) {
    std::string data_key = WarehouseLayout::DataKey(relative);
    Status link = store_->Link(WarehouseLayout::VisibleKey(relative), data_key);
    if (!link.ok() && link.code() != StatusCode::kAlreadyExists) return link.WithContext("migrate");
    data_keys.push_back(std::move(data_key));
  }
  ADXM_RETURN_IF_ERROR(SyncFolders(data_keys));
  // Leftovers of an interrupted format-1 run: its staging folder and unnamed part files.
  std::vector<StoreEntry> entries;
  ADXM_RETURN_IF_ERROR(store_->List(std::string(WarehouseLayout::kLegacyStagingPrefix), &entries));
  ADXM_RETURN_IF_ERROR(store_->List(std::string(WarehouseLayout::kTablePrefix), &entries));
  for (const StoreEntry& entry : entries) {
    bool staging = entry.key.starts_with(WarehouseLayout::kLegacyStagingPrefix);
    std::string relative = staging ? "" : Relative(entry.key, WarehouseLayout::kTablePrefix);
    if (staging || (WarehouseLayout::IsDataFileName(relative) && state().live_files.count(relative) == 0)) {
      ADXM_RETURN_IF_ERROR(store_->Delete(entry.key));
      ++recovery_.uncommitted_removed;
    }
  }
  ADXM_RETURN_IF_ERROR(manifest_->FinishMigration());
  recovery_.migrated = true;
  return Status::OK();
}

Status Warehouse::Recover() {
  const ManifestState& state = manifest_->state();
  const bool rebuilding = manifest_->empty() && options_.allow_unmanaged_files;
  auto named = [&](const std::string& relative) {
    return state.live_files.count(relative) > 0 || state.retained.count(relative) > 0;
  };
  // 1. Visible files of a commit that never happened (only a torn log entry leaves them): a
  //    visible name is deleted only when it is the very object of an uncommitted stable copy, so
  //    a file someone else put there, whatever its name, is never touched.
  std::vector<StoreEntry> visible;
  ADXM_RETURN_IF_ERROR(store_->List(std::string(WarehouseLayout::kTablePrefix), &visible));
  std::set<std::string> present;
  for (const StoreEntry& entry : visible) {
    std::string relative = Relative(entry.key, WarehouseLayout::kTablePrefix);
    if (IsTemporaryKey(entry.key)) {
      ADXM_RETURN_IF_ERROR(store_->Delete(entry.key));
      continue;
    }
    if (WarehouseLayout::IsHidden(relative)) continue;
    if (!rebuilding && !named(relative) && WarehouseLayout::IsDataFileName(relative)) {
      auto ours = SameContent(WarehouseLayout::DataKey(relative), entry.key);
      if (ours.ok() && *ours) {
        ADXM_RETURN_IF_ERROR(store_->Delete(entry.key));
        ++recovery_.uncommitted_removed;
        continue;
      }
    }
    present.insert(relative);
  }
  // 2. Stable copies no commit names: written by a commit that never happened (when rebuilding,
  //    all of them: RebuildManifest takes the visible files as the stable copies afresh).
  std::vector<StoreEntry> entries;
  ADXM_RETURN_IF_ERROR(store_->List(std::string(WarehouseLayout::kMetaPrefix), &entries));
  for (const StoreEntry& entry : entries) {
    bool data = entry.key.starts_with(WarehouseLayout::kDataPrefix);
    std::string relative = data ? Relative(entry.key, WarehouseLayout::kDataPrefix) : "";
    bool uncommitted = data && WarehouseLayout::IsDataFileName(relative) && !named(relative);
    if (uncommitted || IsTemporaryKey(entry.key)) {
      ADXM_RETURN_IF_ERROR(store_->Delete(entry.key));
      if (uncommitted && !rebuilding) ++recovery_.uncommitted_removed;
    }
  }
  // 3. Finish publishing: removed files emptied, live files linked; report what is not ours.
  std::vector<std::string> touched;
  for (const std::string& relative : present) {
    if (state.retained.count(relative) > 0) {
      bool changed = false;
      ADXM_RETURN_IF_ERROR(Unpublish(relative, &changed));
      if (changed) ++recovery_.unpublished;
    } else if (state.live_files.count(relative) == 0 && !rebuilding) {
      recovery_.foreign_files.push_back(relative);  // Not written by a commit: never deleted.
    }
  }
  for (const std::string& relative : state.live_files) {
    if (present.count(relative) > 0) continue;
    ADXM_RETURN_IF_ERROR(store_->Link(WarehouseLayout::DataKey(relative), WarehouseLayout::VisibleKey(relative)));
    touched.push_back(WarehouseLayout::VisibleKey(relative));
    ++recovery_.published;
  }
  return SyncFolders(touched);
}

Result<std::unique_ptr<WritableFile>> Warehouse::NewDataFile(const std::string& relative) {
  return store_->NewWritableFile(WarehouseLayout::DataKey(relative));
}

std::string Warehouse::ReaderPath(const std::string& relative) const {
  return store_->ReaderPath(WarehouseLayout::DataKey(relative));
}

ReadRangeFn Warehouse::DataReader(const std::string& relative) const {
  Store* store = store_;
  std::string key = WarehouseLayout::DataKey(relative);
  return [store, key](uint64_t offset, uint64_t size, std::string* out) {
    return store->ReadRange(key, offset, size, out);
  };
}

Status Warehouse::SyncFolders(const std::vector<std::string>& keys) {
  std::set<std::string> folders;
  for (const std::string& key : keys) {
    // New partition folders must be durable in their parents too.
    for (std::string_view folder = KeyFolder(key); !folder.empty(); folder = KeyFolder(folder)) {
      if (!folders.insert(std::string(folder)).second) break;
    }
  }
  folders.insert("");
  // Independent waits on the disk (a month of late logs touches 30 partition folders): issued
  // together, the filesystem serves them in one journal commit. All finish before this returns.
  std::vector<std::string> ordered(folders.rbegin(), folders.rend());
  return ParallelFor(ordered.size(), kSyncThreads, [&](size_t index) { return store_->SyncDir(ordered[index]); });
}

Status Warehouse::Commit(CommitRecord record) {
  record.time = Now();
  std::vector<std::string> data_keys;
  for (const std::string& relative : record.added_files) data_keys.push_back(WarehouseLayout::DataKey(relative));
  ADXM_RETURN_IF_ERROR(SyncFolders(data_keys));
  ADXM_RETURN_IF_ERROR(manifest_->Commit(record));
  return Publish(record);
}

Status Warehouse::Unpublish(const std::string& relative, bool* changed) {
  // The name is the warehouse's own (a commit added it, a later one removed it): whatever it
  // holds other than the empty placeholder is the removed rows (a hard link to the stable copy,
  // or a plain copy after the warehouse was copied with cp -r or synced).
  std::string visible = WarehouseLayout::VisibleKey(relative);
  auto size = store_->Size(visible);
  if (size.status().code() == StatusCode::kNotFound) return Status::OK();  // Gone, or already vacuumed.
  ADXM_RETURN_IF_ERROR(size.status());
  if (*size == empty_file_.size()) {
    std::string bytes;
    ADXM_RETURN_IF_ERROR(store_->Read(visible, &bytes));
    if (bytes == empty_file_) return Status::OK();  // Already emptied.
  }
  // An atomic replace: a reader that listed the name still opens a valid (empty) file.
  ADXM_RETURN_IF_ERROR(store_->Put(visible, empty_file_));
  *changed = true;
  return Status::OK();
}

Result<bool> Warehouse::SameContent(const std::string& a, const std::string& b) {
  auto same = store_->SameObject(a, b);
  if (!same.ok() || *same) return same;
  // Copies (a warehouse copied without its hard links) are the same when their bytes are.
  ADXM_ASSIGN_OR_RETURN(uint64_t size_a, store_->Size(a));
  ADXM_ASSIGN_OR_RETURN(uint64_t size_b, store_->Size(b));
  if (size_a != size_b) return false;
  std::string bytes_a, bytes_b;
  ADXM_RETURN_IF_ERROR(store_->Read(a, &bytes_a));
  ADXM_RETURN_IF_ERROR(store_->Read(b, &bytes_b));
  return bytes_a == bytes_b;
}

Status Warehouse::Publish(const CommitRecord& record) {
  // Removed files leave first, so old and new rows are never visible together.
  for (const std::string& relative : record.removed_files) {
    bool changed = false;
    ADXM_RETURN_IF_ERROR(Unpublish(relative, &changed));
  }
  std::vector<std::string> touched;
  for (const std::string& relative : record.added_files) {
    std::string visible = WarehouseLayout::VisibleKey(relative);
    Status link = store_->Link(WarehouseLayout::DataKey(relative), visible);
    if (link.code() == StatusCode::kAlreadyExists) {
      ADXM_ASSIGN_OR_RETURN(bool same, SameContent(WarehouseLayout::DataKey(relative), visible));
      if (!same) return Status::AlreadyExists(visible + ": a file adxmetrics did not write has the name of a new data file");
    } else {
      ADXM_RETURN_IF_ERROR(link);
    }
    touched.push_back(std::move(visible));
  }
  return SyncFolders(touched);
}

Status Warehouse::Vacuum(uint64_t* vacuumed) {
  // Open snapshots announce their txn in a lease; a file removed after that txn is theirs to read.
  std::vector<LeaseInfo> leases;
  ADXM_RETURN_IF_ERROR(store_->ListLeases(std::string(WarehouseLayout::kLeasePrefix), &leases));
  uint64_t oldest_lease = UINT64_MAX;
  for (const LeaseInfo& lease : leases) {
    if (!lease.held) {
      ADXM_RETURN_IF_ERROR(store_->Delete(lease.key));
      continue;
    }
    std::string_view name = KeyName(lease.key);
    if (name.size() < 21 || name[20] != '-') continue;  // Not a lease of ours.
    uint64_t txn = std::strtoull(std::string(name.substr(0, 20)).c_str(), nullptr, 10);
    oldest_lease = std::min(oldest_lease, txn);
  }
  const int64_t now = Now();
  CommitRecord record;
  for (const auto& [relative, file] : state().retained) {
    if (now - file.removed_time < options_.retention_seconds || oldest_lease < file.removed_txn) continue;
    // Its visible name holds the empty placeholder (a retained file is never live).
    ADXM_RETURN_IF_ERROR(store_->Delete(WarehouseLayout::VisibleKey(relative)));
    ADXM_RETURN_IF_ERROR(store_->Delete(WarehouseLayout::DataKey(relative)));
    record.vacuumed.push_back(relative);
  }
  if (vacuumed != nullptr) *vacuumed = record.vacuumed.size();
  if (record.vacuumed.empty()) return Status::OK();
  std::vector<std::string> deleted;
  for (const std::string& relative : record.vacuumed) {
    deleted.push_back(WarehouseLayout::VisibleKey(relative));
    deleted.push_back(WarehouseLayout::DataKey(relative));
  }
  ADXM_RETURN_IF_ERROR(SyncFolders(deleted));
  record.txn = manifest_->next_txn();
  return Commit(std::move(record));
}

}  // namespace adxm

#include "dataset/warehouse.h"

#include <set>
#include <system_error>

namespace adxm {

Result<std::unique_ptr<Warehouse>> Warehouse::OpenForWrite(const std::filesystem::path& root) {
  WarehouseLayout layout(root);
  ADXM_RETURN_IF_ERROR(CreateDirs(layout.meta_dir()));
  ADXM_RETURN_IF_ERROR(CreateDirs(layout.table_dir()));
  ADXM_ASSIGN_OR_RETURN(auto lock, LockFile::Acquire(layout.lock_path(), DescribeThisProcess()));
  std::unique_ptr<Warehouse> warehouse(new Warehouse(layout, std::move(lock)));
  ADXM_ASSIGN_OR_RETURN(warehouse->manifest_, Manifest::Load(layout.manifest_path()));
  ADXM_RETURN_IF_ERROR(RemoveAll(layout.staging_dir()));
  ADXM_RETURN_IF_ERROR(CreateDirs(layout.staging_dir()));
  ADXM_RETURN_IF_ERROR(warehouse->RemoveOrphans());
  return warehouse;
}

Status Warehouse::RemoveOrphans() {
  const auto& live = manifest_->live_files();
  std::vector<std::filesystem::path> orphans;
  std::error_code ec;
  const auto table_dir = layout_.table_dir();
  for (auto it = std::filesystem::recursive_directory_iterator(table_dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string relative = std::filesystem::relative(it->path(), table_dir).generic_string();
    if (live.count(relative) == 0) orphans.push_back(it->path());
  }
  if (ec) return Status::IoError(table_dir.string() + ": scan for orphans failed: " + ec.message());
  for (const auto& orphan : orphans) ADXM_RETURN_IF_ERROR(RemoveAll(orphan));
  orphans_removed_ = orphans.size();
  return Status::OK();
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

Status Warehouse::Commit(const std::vector<StagedFile>& files, const CommitRecord& record) {
  std::set<std::filesystem::path> dirs;
  for (const StagedFile& file : files) {
    ADXM_RETURN_IF_ERROR(SyncFile(file.staged));
    std::filesystem::path target = TablePath(file.relative);
    ADXM_RETURN_IF_ERROR(CreateDirs(target.parent_path()));
    ADXM_RETURN_IF_ERROR(RenameFile(file.staged, target));
    // Sync every directory from the file's up to the table dir: some may be new.
    for (auto dir = target.parent_path(); dir != layout_.root() && !dir.empty(); dir = dir.parent_path()) {
      dirs.insert(dir);
    }
  }
  for (const auto& dir : dirs) ADXM_RETURN_IF_ERROR(SyncDir(dir));
  ADXM_RETURN_IF_ERROR(manifest_->Commit(record));
  // Past the commit point: a crash here leaves removed files as orphans for the next open.
  for (const std::string& removed : record.removed_files) ADXM_RETURN_IF_ERROR(RemoveAll(TablePath(removed)));
  return Status::OK();
}

}  // namespace adxm

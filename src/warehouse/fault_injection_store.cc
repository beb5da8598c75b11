#include "warehouse/fault_injection_store.h"

#include <filesystem>

namespace adxm {

class FaultWritableFile : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionStore* store, std::string key, std::unique_ptr<WritableFile> base)
      : store_(store), key_(std::move(key)), base_(std::move(base)) {}

  Status Append(std::string_view data) override {
    ADXM_RETURN_IF_ERROR(store_->Step("append", key_));
    ADXM_RETURN_IF_ERROR(base_->Append(data));
    std::lock_guard<std::mutex> lock(store_->mu_);
    store_->files_[key_].size += data.size();
    return Status::OK();
  }
  Status Sync() override {
    ADXM_RETURN_IF_ERROR(store_->Step("sync", key_));
    ADXM_RETURN_IF_ERROR(base_->Sync());
    std::lock_guard<std::mutex> lock(store_->mu_);
    FileState& state = store_->files_[key_];
    state.synced_size = state.size;
    return Status::OK();
  }
  Status Close() override {
    ADXM_RETURN_IF_ERROR(store_->Step("close", key_));
    return base_->Close();
  }

 private:
  using FileState = FaultInjectionStore::FileState;
  FaultInjectionStore* store_;
  std::string key_;
  std::unique_ptr<WritableFile> base_;
};

void FaultInjectionStore::CrashAfter(uint64_t k) {
  std::lock_guard<std::mutex> lock(mu_);
  crash_after_ = k;
}

uint64_t FaultInjectionStore::operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return operations_;
}

std::vector<std::string> FaultInjectionStore::operation_kinds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return kinds_;
}

bool FaultInjectionStore::crashed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return crashed_;
}

Status FaultInjectionStore::Step(std::string_view what, const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  ++operations_;
  kinds_.emplace_back(what);
  if (operations_ > crash_after_) {
    crashed_ = true;
    return Status::IoError(key + ": " + std::string(what) + ": injected crash");
  }
  return Status::OK();
}

Result<std::unique_ptr<WritableFile>> FaultInjectionStore::NewWritableFile(const std::string& key) {
  ADXM_RETURN_IF_ERROR(Step("create", key));
  ADXM_ASSIGN_OR_RETURN(auto file, base_->NewWritableFile(key));
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_[key] = FileState{0, 0, false, key};
  }
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, key, std::move(file)));
}

Status FaultInjectionStore::PutIfAbsent(const std::string& key, std::string_view data) {
  ADXM_RETURN_IF_ERROR(Step("put-if-absent", key));
  return base_->PutIfAbsent(key, data);  // Durable when it returns.
}

Status FaultInjectionStore::Put(const std::string& key, std::string_view data) {
  ADXM_RETURN_IF_ERROR(Step("put", key));
  return base_->Put(key, data);
}

Status FaultInjectionStore::Link(const std::string& from, const std::string& to) {
  ADXM_RETURN_IF_ERROR(Step("link", to));
  ADXM_RETURN_IF_ERROR(base_->Link(from, to));
  std::lock_guard<std::mutex> lock(mu_);
  auto source = files_.find(from);
  FileState state;
  state.data_key = source != files_.end() ? source->second.data_key : to;
  files_[to] = state;
  return Status::OK();
}

Status FaultInjectionStore::Delete(const std::string& key) {
  ADXM_RETURN_IF_ERROR(Step("delete", key));
  ADXM_RETURN_IF_ERROR(base_->Delete(key));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(key);
  if (it != files_.end()) it->second.entry_durable = true;  // Nothing left to drop.
  return Status::OK();
}

Status FaultInjectionStore::SyncDir(const std::string& folder) {
  ADXM_RETURN_IF_ERROR(Step("sync-dir", folder));
  ADXM_RETURN_IF_ERROR(base_->SyncDir(folder));
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, state] : files_) {
    if (KeyFolder(key) == folder) state.entry_durable = true;
  }
  return Status::OK();
}

Status FaultInjectionStore::DropUnsyncedData() {
  std::lock_guard<std::mutex> lock(mu_);
  std::error_code error;
  // Data first: a name shares its data's fate, whatever happens to the name.
  for (auto& [key, state] : files_) {
    if (state.data_key != key || state.synced_size >= state.size) continue;
    if (auto* local = dynamic_cast<LocalStore*>(base_.get()); local != nullptr) {
      // Cut in place: hard links to it lose the bytes too, as they share the inode.
      auto path = local->Path(key);
      if (!std::filesystem::exists(path, error)) continue;
      std::filesystem::resize_file(path, state.synced_size, error);
      if (error) return Status::IoError(path.string() + ": drop unsynced data: " + error.message());
    } else {
      std::string kept;
      Status read = base_->ReadRange(key, 0, state.synced_size, &kept);
      if (read.code() == StatusCode::kNotFound) continue;
      ADXM_RETURN_IF_ERROR(read);
      ADXM_RETURN_IF_ERROR(base_->Put(key, kept));
    }
  }
  for (auto& [key, state] : files_) {
    if (!state.entry_durable) (void)base_->Delete(key);
  }
  files_.clear();
  crash_after_ = UINT64_MAX;
  crashed_ = false;
  return Status::OK();
}

}  // namespace adxm

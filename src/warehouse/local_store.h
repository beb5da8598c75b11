// LocalStore: a Store on a local directory (POSIX). Writes go straight to their key's path;
// PutIfAbsent is temp file + fsync + link(2) (which fails if the key exists) + fsync of the
// directory; Link is a hard link; locks and leases are flock(2)s, released by the kernel when
// the process dies. SyncDir fsyncs a folder unless this store already fsynced it and has created
// or removed nothing in it since (a run's later commits would otherwise fsync every unchanged
// partition folder up to the root again); folders it has not fsynced itself since its last Lock
// are always fsynced. Put and PutIfAbsent sync their key's folder and the folders above it that
// changed (a folder they created is made durable in its parent too); PutIfAbsent does so also
// when it finds the key already there (left by a process that died before syncing it).
//
// Thread-safety: as Store.
// Example:
//   ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, LocalStore::Open("/data/warehouse"));
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "base/thread_annotations.h"
#include "warehouse/store.h"

namespace adxm {

class LocalStore : public Store {
 public:
  /// A store rooted at `root` (created if missing). The root is made absolute.
  static Result<std::unique_ptr<LocalStore>> Open(const std::filesystem::path& root);

  std::string Describe() const override { return root_.string(); }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& key) override;
  Status PutIfAbsent(const std::string& key, std::string_view data) override;
  Status Put(const std::string& key, std::string_view data) override;
  Status Link(const std::string& from, const std::string& to) override;
  Status ReadRange(const std::string& key, uint64_t offset, uint64_t size, std::string* out) override;
  Status Read(const std::string& key, std::string* out) override;
  Result<uint64_t> Size(const std::string& key) override;
  Result<bool> SameObject(const std::string& from, const std::string& to) override;
  Status List(const std::string& prefix, std::vector<StoreEntry>* out) override;
  Status Delete(const std::string& key) override;
  Status SyncDir(const std::string& folder) override;
  Result<std::unique_ptr<StoreLock>> Lock(const std::string& key, std::string_view holder) override;
  Result<std::unique_ptr<StoreLock>> Lease(const std::string& key) override;
  Status ListLeases(const std::string& prefix, std::vector<LeaseInfo>* out) override;
  std::string ReaderPath(const std::string& key) const override { return Path(key).string(); }

  /// The local path of `key`.
  std::filesystem::path Path(std::string_view key) const { return root_ / std::string(key); }

  /// Folder fsyncs issued (by SyncDir, Put and PutIfAbsent; failed ones included, the ones
  /// skipped as unchanged not).
  uint64_t folder_syncs() const { return folder_syncs_.load(); }

 private:
  explicit LocalStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::string TempKey(const std::string& key);
  // Create `dir` and its missing parents; each folder that gains a subfolder is changed.
  Status CreateFolders(const std::filesystem::path& dir);
  // SyncFolder on `dir` and each folder above it up to the root.
  Status SyncFoldersUp(const std::filesystem::path& dir);
  // fsync the folder `path` unless nothing was created or removed in it since its last fsync.
  Status SyncFolder(const std::filesystem::path& path);
  // An entry of `dir` was created or removed: its next SyncDir fsyncs it.
  void Changed(const std::filesystem::path& dir);

  std::filesystem::path root_;
  std::atomic<uint64_t> temp_counter_{0};
  std::atomic<uint64_t> folder_syncs_{0};
  // Held across CreateFolders: a thread that finds a folder made by another sees its parent's
  // change already counted.
  Mutex create_mu_;
  Mutex mu_;
  // Entries created or removed in a folder by this store (absolute path), and that count as of
  // the folder's last completed fsync: equal counts, nothing to sync.
  std::map<std::string, uint64_t> changes_ ADXM_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> synced_ ADXM_GUARDED_BY(mu_);
  // Bumped when Lock forgets synced_: an fsync that started before does not record itself.
  uint64_t epoch_ ADXM_GUARDED_BY(mu_) = 0;
};

}  // namespace adxm

// LocalStore: a Store on a local directory (POSIX). Writes go straight to their key's path;
// PutIfAbsent is temp file + fsync + link(2) (which fails if the key exists) + fsync of the
// directory; Link is a hard link; locks and leases are flock(2)s, released by the kernel when
// the process dies.
//
// Thread-safety: as Store.
// Example:
//   ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, LocalStore::Open("/data/warehouse"));
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>

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

 private:
  explicit LocalStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::string TempKey(const std::string& key);

  std::filesystem::path root_;
  std::atomic<uint64_t> temp_counter_{0};
};

}  // namespace adxm

// FaultInjectionStore: a Store over another (LocalStore, S3Store) that can "crash" after any mutating operation
// and then drop whatever was not yet durable, like leveldb's fault_injection_test.cc. Tests run
// a multi-commit ingest for every crash point k and check what survives.
//
// Modelled: data appended but not Sync()ed is lost (the file is cut back to its last synced
// size); an object created by NewWritableFile or Link whose folder was not SyncDir()ed since is
// lost entirely. PutIfAbsent/Put are durable when they return (they sync file and folder).
// Not modelled: deletions are durable at once (a lost delete only resurrects garbage).
// Over an object store the model is stricter than the store (whose objects appear whole at
// Close and are durable once acknowledged): every loss it simulates is one a local disk allows.
//
// Thread-safety: as Store.
// Example:
//   FaultInjectionStore store(std::move(local));
//   store.CrashAfter(17);                 // Operation 17 succeeds, every later one fails.
//   (void)RunIngest(&store);               // Fails with "injected crash".
//   ASSERT_TRUE(store.DropUnsyncedData().ok());
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "warehouse/local_store.h"

namespace adxm {

class FaultInjectionStore : public Store {
 public:
  explicit FaultInjectionStore(std::unique_ptr<Store> base) : base_(std::move(base)) {}

  /// Let operations 1..k succeed; every later mutating operation fails with IoError.
  void CrashAfter(uint64_t k);
  /// Mutating operations performed so far (counts past the crash point too).
  uint64_t operations() const;
  /// The kind of each mutating operation so far ("create", "append", "sync", "close", "put",
  /// "put-if-absent", "link", "delete", "sync-dir"), in order.
  std::vector<std::string> operation_kinds() const;
  /// True once an operation was refused.
  bool crashed() const;
  /// Undo what a power loss would: cut unsynced data, delete objects not yet in a synced folder.
  Status DropUnsyncedData();

  std::string Describe() const override { return base_->Describe(); }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& key) override;
  Status PutIfAbsent(const std::string& key, std::string_view data) override;
  Status Put(const std::string& key, std::string_view data) override;
  Status Link(const std::string& from, const std::string& to) override;
  Status ReadRange(const std::string& key, uint64_t offset, uint64_t size, std::string* out) override {
    return base_->ReadRange(key, offset, size, out);
  }
  Status Read(const std::string& key, std::string* out) override { return base_->Read(key, out); }
  Result<uint64_t> Size(const std::string& key) override { return base_->Size(key); }
  Result<bool> SameObject(const std::string& from, const std::string& to) override {
    return base_->SameObject(from, to);
  }
  Status List(const std::string& prefix, std::vector<StoreEntry>* out) override { return base_->List(prefix, out); }
  Status Delete(const std::string& key) override;
  Status SyncDir(const std::string& folder) override;
  Result<std::unique_ptr<StoreLock>> Lock(const std::string& key, std::string_view holder) override {
    return base_->Lock(key, holder);
  }
  Result<std::unique_ptr<StoreLock>> Lease(const std::string& key) override { return base_->Lease(key); }
  Status ListLeases(const std::string& prefix, std::vector<LeaseInfo>* out) override {
    return base_->ListLeases(prefix, out);
  }
  std::string ReaderPath(const std::string& key) const override { return base_->ReaderPath(key); }
  Status MakeReadable(const std::vector<std::string>& keys) override { return base_->MakeReadable(keys); }

 private:
  friend class FaultWritableFile;
  struct FileState {
    uint64_t size = 0;         // Bytes appended.
    uint64_t synced_size = 0;  // Bytes made durable.
    bool entry_durable = false;
    std::string data_key;      // Key whose data this name shares (itself unless a Link).
  };
  // Count one mutating operation; IoError when past the crash point.
  Status Step(std::string_view what, const std::string& key);

  std::unique_ptr<Store> base_;
  mutable std::mutex mu_;
  uint64_t operations_ = 0;                  // Guarded by mu_.
  std::vector<std::string> kinds_;           // Guarded by mu_.
  uint64_t crash_after_ = UINT64_MAX;        // Guarded by mu_.
  bool crashed_ = false;                     // Guarded by mu_.
  std::map<std::string, FileState> files_;   // Guarded by mu_: objects created since the start.
};

}  // namespace adxm

// S3Store: a Store on an S3 prefix (s3://bucket/prefix/), so a warehouse keeps on S3 every
// guarantee it has locally: the commit protocol, snapshots, checkpoints, the rejection ledger and
// the external-reader invariant (the objects under the table prefix never hold an event twice).
//
// How each operation maps to S3 (keys are relative to the prefix):
//   - NewWritableFile: bytes are buffered; once the buffer reaches S3Options::multipart_part_size
//     a multipart upload starts and parts stream out (memory stays bounded); Close() PUTs a small
//     object or completes the upload. The object exists only after Close(), whole, so no reader
//     ever lists a partial file. Sync() does nothing: there is nothing durable before Close.
//     Writes are create-only (If-None-Match: *), unlike LocalStore's create-or-replace: the
//     warehouse never writes a data key twice (recovery deletes uncommitted copies first), and a
//     writer that lost its lock can thus never replace a committed data file.
//   - PutIfAbsent: PUT with If-None-Match: * (412 = AlreadyExists). A retried PUT whose first
//     attempt landed is recognised by the client (same ETag). This is the commit point.
//   - Put: a plain PUT, which replaces the object atomically (a reader gets old or new bytes).
//   - Link(from, to): HEAD `from` for its id, HEAD `to` (AlreadyExists if present, for servers
//     without conditional copies), then CopyObject with If-None-Match: * and the id copied.
//   - SameObject: both exist (else NotFound) and carry the same x-amz-meta-adxm-id. Every object
//     written here gets a fresh random 128-bit id; only Link copies one. So a copy of the same
//     bytes written separately is not the same object, as with hard links and inodes.
//   - ReadRange/Read: ranged/whole GET; Size: HEAD; List: ListObjectsV2 under the prefix, keys
//     made relative, sorted; Delete: DELETE (missing is fine); SyncDir: nothing (S3 has no
//     folders and every acknowledged write is durable).
//   - Lock: a lease object {"holder", "expires", "id", "machine", "pid"} created with
//     If-None-Match: * and renewed every lease/3 with If-Match: <its ETag>. A lock whose `expires`
//     has passed (its holder was killed), or whose holder ran on this machine in this boot
//     ("machine" = host + /proc boot id) and no longer runs, is taken over with a PUT If-Match:
//     <the ETag read>, so of two racing takers only one wins. Release deletes it if it still holds
//     our id.
//   - Lease/ListLeases: objects {"expires", "id"} renewed by the same heartbeat; held = not expired.
//   - ReaderPath/MakeReadable: DuckDB reads local files, so objects are fetched into a local cache
//     (<cache_dir>/<key>, checked by size + ETag, written to a temp name then renamed), least
//     recently used files beyond cache_bytes evicted.
//
// Why a lost lock stays safe. Every log entry and checkpoint is a PutIfAbsent, so of two writers
// that both believe they hold the lock only one commits a given txn (manifest.cc: Commit returns
// the PutIfAbsent's AlreadyExists before applying the record; Checkpoint and index parts of a txn
// describe the same log prefix whoever writes them). That alone is not enough: the writer that
// took over a stale lock runs recovery, which deletes data files no commit names, so a zombie that
// committed afterwards would name deleted files. Hence a fence: while this store holds a writer
// lock, every mutating operation first checks that the lock was renewed in time (its `expires` by
// our clock is still ahead, with a margin of lease/6) and was not found lost; else Unavailable.
// A taker waits until `expires` has passed by its own clock, so clocks must agree within the
// margin (NTP does far better), and a single request must not outlast the margin.
//
// S3 guarantees relied on: strong read-after-write consistency for PUT, DELETE and LIST (since
// December 2020); conditional writes: If-None-Match on PutObject/CompleteMultipartUpload (August
// 2024), If-Match (November 2024), on CopyObject (since); atomic replacement of an object by PUT.
//
// Thread-safety: as Store. One heartbeat thread per store renews its locks and leases; every
// lock and lease must be released before the store is destroyed.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto uri, ParseS3Uri("s3://bucket/warehouse/"));
//   ADXM_ASSIGN_OR_RETURN(auto store, S3Store::Open(uri, {}));
//   ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(store.get(), {}));
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <thread>

#include "base/thread_annotations.h"
#include "s3/s3_client.h"
#include "warehouse/store.h"

namespace adxm {

struct S3StoreOptions {
  S3Options s3;                        // Region, endpoint, credentials, retries, part size.
  // Local cache of objects for readers (ReaderPath); empty: $XDG_CACHE_HOME/adxmetrics or
  // ~/.cache/adxmetrics. A folder per bucket and prefix is made inside it.
  std::filesystem::path cache_dir;
  uint64_t cache_bytes = 4ull << 30;   // The cache is trimmed to this (LRU) after each fetch.
  int64_t lease_seconds = 60;          // Lifetime of a lock or lease; renewed every third of it.
  int fetch_threads = 8;               // Parallel downloads of MakeReadable.
  std::function<int64_t()> clock;      // Unix seconds now; empty: the system clock. Tests inject one.
};

class S3Store : public Store {
 public:
  /// A store rooted at `root` (a prefix; a trailing '/' is implied).
  static Result<std::unique_ptr<S3Store>> Open(const S3Uri& root, S3StoreOptions options);
  ~S3Store() override;

  std::string Describe() const override;
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
  Status SyncDir(const std::string& folder) override { return Status::OK(); }
  Result<std::unique_ptr<StoreLock>> Lock(const std::string& key, std::string_view holder) override;
  Result<std::unique_ptr<StoreLock>> Lease(const std::string& key) override;
  Status ListLeases(const std::string& prefix, std::vector<LeaseInfo>* out) override;
  std::string ReaderPath(const std::string& key) const override;
  std::string RequestSummary() const override { return client_->counts().ToString(); }

  /// The client's write guard: writes of held locks and leases pass, others need CheckFence().
  Status GuardWrite(const std::string& key) const;
  Status MakeReadable(const std::vector<std::string>& keys) override;

  /// The client (its request counts() go into the ingest summary).
  S3Client* client() const { return client_.get(); }
  /// The local cache folder of this store's objects.
  const std::filesystem::path& cache_dir() const { return cache_dir_; }
  /// Descriptions of locks and leases a renewal found taken by someone else.
  std::vector<std::string> lost_locks() const;

  /// A held lock or lease object, renewed by the heartbeat (internal; public for the .cc).
  struct Held;

 private:
  S3Store(S3Uri root, S3StoreOptions options, std::unique_ptr<S3Client> client, std::filesystem::path cache_dir);
  std::string FullKey(std::string_view key) const { return root_.key + std::string(key); }
  int64_t Now() const;
  std::string NewId();
  std::string Body(const Held& held, int64_t expires) const;
  // Unavailable when a writer lock of this store may have been lost (the fence above).
  Status CheckFence() const;
  Result<std::unique_ptr<StoreLock>> Hold(const std::string& key, std::string holder, bool exclusive);
  void Renew(Held* held) ADXM_REQUIRES(mu_);
  void HeartbeatLoop();
  void Release(Held* held);
  Status Fetch(const std::string& key, const S3Object& remote);
  Status Evict(const std::set<std::string>& keep);

  friend class S3Lock;
  friend class S3WritableFile;
  S3Uri root_;  // root_.key is empty or ends with '/'.
  S3StoreOptions options_;
  std::unique_ptr<S3Client> client_;
  std::filesystem::path cache_dir_;
  std::atomic<uint64_t> temp_counter_{0};

  mutable Mutex mu_;
  std::condition_variable_any wake_;
  std::set<Held*> held_ ADXM_GUARDED_BY(mu_);
  // Full keys of held_, for the write guard: the heartbeat renews under mu_, so the guard cannot take it.
  mutable Mutex keys_mu_;
  std::set<std::string> held_keys_ ADXM_GUARDED_BY(keys_mu_);
  std::vector<std::string> lost_ ADXM_GUARDED_BY(mu_);
  bool stop_ ADXM_GUARDED_BY(mu_) = false;
  std::thread heartbeat_;  // Started with the first lock or lease.
};

}  // namespace adxm

// Store: the storage a warehouse lives on, as a small set of object-store-shaped operations.
//
// Every layer above (the Parquet writer, the manifest, the commit protocol, snapshots) reaches
// storage only through this interface, in the spirit of leveldb's Env or Arrow's FileSystem.
// Names are '/'-separated keys relative to the warehouse root ("_adxmetrics/log/…"). The
// operations are those an object store offers too: no rename and no append are needed.
//   - NewWritableFile: write an object, streamed; it exists under its key once Close()d (local:
//     as it is written; S3: at the end of a multipart upload). Sync() makes it durable.
//   - PutIfAbsent: publish a whole object atomically, failing with AlreadyExists if the key is
//     taken (local: temp + link(2); S3: PUT with If-None-Match: *). Commits use it.
//   - Link: make an existing object also readable under a second key (local: a hard link; S3: a
//     server-side copy). Publishing a committed data file under its visible name uses it.
//   - ReadRange/Read, List (recursive, sorted), Delete, SyncDir, Lock, Lease.
//   - ReaderPath + MakeReadable: where DuckDB reads a data file (object stores: a local cache).
// Thread-safety: every method may be called from several threads at once; a WritableFile is
// used by one thread at a time (a commit syncs its files on helper threads, then closes them).
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto store, LocalStore::Open("/data/warehouse"));
//   ADXM_ASSIGN_OR_RETURN(auto file, store->NewWritableFile("_adxmetrics/data/x.parquet"));
//   ADXM_RETURN_IF_ERROR(file->Append(bytes)); ADXM_RETURN_IF_ERROR(file->Sync()); ...Close();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/writable_file.h"

namespace adxm {

/// One entry of a listing.
struct StoreEntry {
  std::string key;    // Relative to the store root.
  uint64_t size = 0;  // Bytes.
};

/// A held lock or lease; released when destroyed (or when the process dies).
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

/// State of a lease found by ListLeases.
struct LeaseInfo {
  std::string key;
  bool held = false;  // False: its holder is gone; the lease may be deleted.
};

class Store {
 public:
  virtual ~Store() = default;

  /// Name the store for messages, e.g. "/data/warehouse".
  virtual std::string Describe() const = 0;

  /// Create (or replace) the object `key` and return a file to stream it into.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& key) = 0;

  /// Write `data` as the object `key` durably and atomically unless `key` exists (AlreadyExists).
  virtual Status PutIfAbsent(const std::string& key, std::string_view data) = 0;

  /// Write `data` as the object `key` durably and atomically, replacing any previous object.
  virtual Status Put(const std::string& key, std::string_view data) = 0;

  /// Make the object `from` also readable as `to` (AlreadyExists if `to` exists).
  virtual Status Link(const std::string& from, const std::string& to) = 0;

  /// Read `size` bytes at `offset` of `key` into `out` (fewer only at the end of the object).
  virtual Status ReadRange(const std::string& key, uint64_t offset, uint64_t size, std::string* out) = 0;

  /// Read the whole object `key` into `out`.
  virtual Status Read(const std::string& key, std::string* out) = 0;

  /// Size of `key`, or NotFound.
  virtual Result<uint64_t> Size(const std::string& key) = 0;

  /// True when `from` and `to` are the same stored object (a Link of each other). Local: the same
  /// inode. Object stores: the same identifier, which Link copies into the target's metadata.
  virtual Result<bool> SameObject(const std::string& from, const std::string& to) = 0;

  /// Every object whose key starts with `prefix` (a folder: end it with '/'), sorted by key.
  virtual Status List(const std::string& prefix, std::vector<StoreEntry>* out) = 0;

  /// Delete `key`; a missing key is not an error. Empty parent folders are removed (locally).
  virtual Status Delete(const std::string& key) = 0;

  /// Make creations and deletions of objects directly under `folder` made through this store
  /// durable (local: fsync of the directory, skipped when this store made none since its last
  /// one; object stores: nothing to do).
  virtual Status SyncDir(const std::string& folder) = 0;

  /// Take the exclusive writer lock `key`, recording `holder`; Unavailable names the holder.
  virtual Result<std::unique_ptr<StoreLock>> Lock(const std::string& key, std::string_view holder) = 0;

  /// Create and hold the lease `key` (a reader announcing what it uses) until released.
  virtual Result<std::unique_ptr<StoreLock>> Lease(const std::string& key) = 0;

  /// The leases under `prefix` and whether each is still held.
  virtual Status ListLeases(const std::string& prefix, std::vector<LeaseInfo>* out) = 0;

  /// A path DuckDB can read `key` at once MakeReadable has returned (local: an absolute path;
  /// object stores: the file's place in the local cache).
  virtual std::string ReaderPath(const std::string& key) const = 0;

  /// Requests sent so far, for the run's summary ("3 LIST, 12 PUT"); "" for a local store.
  virtual std::string RequestSummary() const { return ""; }

  /// Make `keys` (immutable objects: data files) readable at ReaderPath. Object stores fetch the
  /// ones missing from the local cache (checked by size and ETag) and may evict others that are
  /// not in `keys`; a local store has nothing to do.
  virtual Status MakeReadable(const std::vector<std::string>& keys) {
    (void)keys;
    return Status::OK();
  }
};

/// True for a temporary object a store stages a write under (".<name>.tmp-<writer>-<n>", hidden
/// from readers); one left by a crash is deleted by the warehouse's recovery.
bool IsTemporaryKey(std::string_view key);

/// Return the folder part of `key` ("a/b/c" -> "a/b"; "c" -> "").
std::string_view KeyFolder(std::string_view key);

/// Return the last part of `key` ("a/b/c" -> "c").
std::string_view KeyName(std::string_view key);

/// Join two key parts with '/': JoinKey("a", "b") == "a/b"; an empty part is skipped.
std::string JoinKey(std::string_view a, std::string_view b);

}  // namespace adxm

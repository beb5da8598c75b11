// File-system helpers with the durability primitives the commit protocol needs:
// whole-file read/write, fsync of files and directories, rename, an append-only
// file, and an exclusive lock file that names its holder.
//
// Thread-safety: free functions are thread-safe; AppendFile and LockFile are not shared.
// Example:
//   ADXM_RETURN_IF_ERROR(WriteFile(tmp, bytes, /*sync=*/true));
//   ADXM_RETURN_IF_ERROR(RenameFile(tmp, final_path));
//   ADXM_RETURN_IF_ERROR(SyncDir(final_path.parent_path()));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/writable_file.h"

namespace adxm {

namespace fs = std::filesystem;

/// Read a whole file into a string.
Result<std::string> ReadFile(const fs::path& path);

/// Read a whole file into `out`, reusing its capacity; reserve `padding` spare bytes past the end.
Status ReadFileInto(const fs::path& path, std::string* out, size_t padding = 0);
/// The same for a path kept as a string (no std::filesystem::path is parsed unless it fails).
Status ReadFileInto(const std::string& path, std::string* out, size_t padding = 0);

/// Create or truncate `path` and write `data`; fsync it when `sync` is true.
Status WriteFile(const fs::path& path, std::string_view data, bool sync);

/// fsync an existing file.
Status SyncFile(const fs::path& path);

/// fsync a directory so that entries created or renamed in it are durable.
Status SyncDir(const fs::path& dir);

/// Atomically rename `from` to `to` (same file system), replacing `to`.
Status RenameFile(const fs::path& from, const fs::path& to);

/// Create `dir` and its parents if missing.
Status CreateDirs(const fs::path& dir);

/// Remove a file or a directory tree; a missing path is not an error.
Status RemoveAll(const fs::path& path);

/// Write `data` to `path` atomically and durably: temp file, fsync, rename, fsync dir.
Status WriteFileAtomic(const fs::path& path, std::string_view data);

/// An append-only file opened for writing; each Append is one write(2).
class AppendFile {
 public:
  /// Open (create if missing) `path` for appending; truncate it to `size` first.
  static Result<std::unique_ptr<AppendFile>> Open(const fs::path& path, uint64_t size);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  /// Append `data` at the end of the file.
  Status Append(std::string_view data);
  /// fsync the file.
  Status Sync();

 private:
  AppendFile(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  fs::path path_;
  int fd_;
};

/// An exclusive advisory lock (flock) on a file, released on destruction or process death.
class LockFile {
 public:
  /// Take the lock at `path` and record `holder` in it; Unavailable names the current holder.
  static Result<std::unique_ptr<LockFile>> Acquire(const fs::path& path, std::string_view holder);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

 private:
  explicit LockFile(int fd) : fd_(fd) {}
  int fd_;
};

/// Describe this process for a lock file: "pid 123 on host, started 2023-05-01T12:00:00Z".
std::string DescribeThisProcess();

}  // namespace adxm

namespace adxm {

/// Create or truncate the local file `path` and return it as a WritableFile.
Result<std::unique_ptr<WritableFile>> NewLocalWritableFile(const fs::path& path);

/// Read `size` bytes at `offset` of the local file `path` into `out` (fewer only at its end).
Status ReadFileRange(const fs::path& path, uint64_t offset, uint64_t size, std::string* out);

}  // namespace adxm

#include "warehouse/local_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "base/file_util.h"

namespace adxm {
namespace {

// Times Lease makes its folder again when a concurrent release removed it (see Lease).
constexpr int kLeaseAttempts = 10;

Status ErrnoStatus(const fs::path& path, std::string_view op, int err = errno) {
  std::string msg = path.string() + ": " + std::string(op) + " failed: " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  if (err == EEXIST) return Status::AlreadyExists(std::move(msg));
  return Status::IoError(std::move(msg));
}

// The writer lock: base's LockFile (flock, names its holder) as a StoreLock.
class HeldLockFile : public StoreLock {
 public:
  explicit HeldLockFile(std::unique_ptr<LockFile> lock) : lock_(std::move(lock)) {}

 private:
  std::unique_ptr<LockFile> lock_;
};

class LocalLock : public StoreLock {
 public:
  explicit LocalLock(int fd) : fd_(fd) {}
  ~LocalLock() override { ::close(fd_); }  // Closing releases the flock.

 private:
  int fd_;
};

// One spelling per folder for the sync bookkeeping: "root/" (the root's key "") is "root".
std::string FolderKey(const fs::path& dir) {
  std::string key = dir.lexically_normal().native();
  if (key.size() > 1 && key.back() == '/') key.pop_back();
  return key;
}

// Open `path` (creating it) and flock it with `operation`; -1 and errno on failure.
int OpenLocked(const fs::path& path, int operation) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (::flock(fd, operation | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

}  // namespace

bool IsTemporaryKey(std::string_view key) {
  std::string_view name = KeyName(key);
  return !name.empty() && name[0] == '.' && name.find(".tmp-") != std::string_view::npos;
}

std::string_view KeyFolder(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
}

std::string_view KeyName(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

std::string JoinKey(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string key(a);
  key += '/';
  key += b;
  return key;
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const fs::path& root) {
  std::error_code error;
  fs::path absolute = fs::absolute(root, error);
  if (error) return Status::IoError(root.string() + ": " + error.message());
  if (fs::exists(absolute, error) && !fs::is_directory(absolute, error)) {
    return Status::InvalidArgument(root.string() + ": not a directory");
  }
  ADXM_RETURN_IF_ERROR(CreateDirs(absolute));
  return std::unique_ptr<LocalStore>(new LocalStore(absolute.lexically_normal()));
}

void LocalStore::Changed(const fs::path& dir) {
  MutexLock lock(&mu_);
  ++changes_[FolderKey(dir)];
}

Status LocalStore::CreateFolders(const fs::path& dir) {
  MutexLock lock(&create_mu_);
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::OK();
  // The parents of the folders about to be created gain an entry.
  std::vector<fs::path> missing;
  for (fs::path folder = dir; folder.has_relative_path() && ::stat(folder.c_str(), &st) != 0;
       folder = folder.parent_path()) {
    missing.push_back(folder);
  }
  Status status = CreateDirs(dir);
  for (const fs::path& folder : missing) Changed(folder.parent_path());
  return status;
}

std::string LocalStore::TempKey(const std::string& key) {
  // Hidden ('.') so no reader lists it; named so the warehouse's sweep knows it as its own.
  return JoinKey(KeyFolder(key), "." + std::string(KeyName(key)) + ".tmp-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(temp_counter_.fetch_add(1)));
}

Result<std::unique_ptr<WritableFile>> LocalStore::NewWritableFile(const std::string& key) {
  fs::path path = Path(key);
  ADXM_RETURN_IF_ERROR(CreateFolders(path.parent_path()));
  auto file = NewLocalWritableFile(path);
  Changed(path.parent_path());  // After the change, never before (see SyncFolder).
  return file;
}

Status LocalStore::PutIfAbsent(const std::string& key, std::string_view data) {
  fs::path path = Path(key);
  ADXM_RETURN_IF_ERROR(CreateFolders(path.parent_path()));
  fs::path temp = Path(TempKey(key));
  Status status = WriteFile(temp, data, /*sync=*/true);
  if (status.ok() && ::link(temp.c_str(), path.c_str()) != 0) status = ErrnoStatus(path, "create");
  ::unlink(temp.c_str());
  Changed(path.parent_path());
  if (status.code() == StatusCode::kAlreadyExists) {
    // Made by an earlier run that may have died before syncing its folder: the caller may build
    // on it (a checkpoint naming an index part), so its entry is made durable all the same.
    ADXM_RETURN_IF_ERROR(SyncFoldersUp(path.parent_path()));
  }
  ADXM_RETURN_IF_ERROR(status);
  return SyncFoldersUp(path.parent_path());
}

Status LocalStore::Put(const std::string& key, std::string_view data) {
  fs::path path = Path(key);
  ADXM_RETURN_IF_ERROR(CreateFolders(path.parent_path()));
  fs::path temp = Path(TempKey(key));
  Status status = WriteFile(temp, data, /*sync=*/true);
  if (status.ok()) status = RenameFile(temp, path);
  if (!status.ok()) ::unlink(temp.c_str());
  Changed(path.parent_path());
  ADXM_RETURN_IF_ERROR(status);
  return SyncFoldersUp(path.parent_path());
}

Status LocalStore::Link(const std::string& from, const std::string& to) {
  fs::path target = Path(to);
  ADXM_RETURN_IF_ERROR(CreateFolders(target.parent_path()));
  if (::link(Path(from).c_str(), target.c_str()) != 0) {
    return ErrnoStatus(target, "link from " + Path(from).string());
  }
  Changed(target.parent_path());
  return Status::OK();
}

Status LocalStore::ReadRange(const std::string& key, uint64_t offset, uint64_t size, std::string* out) {
  return ReadFileRange(Path(key), offset, size, out);
}

Status LocalStore::Read(const std::string& key, std::string* out) { return ReadFileInto(Path(key), out); }

Result<uint64_t> LocalStore::Size(const std::string& key) {
  struct stat st {};
  if (::stat(Path(key).c_str(), &st) != 0) return ErrnoStatus(Path(key), "stat");
  return static_cast<uint64_t>(st.st_size);
}

Result<bool> LocalStore::SameObject(const std::string& from, const std::string& to) {
  struct stat a {}, b {};
  if (::stat(Path(from).c_str(), &a) != 0) return ErrnoStatus(Path(from), "stat");
  if (::stat(Path(to).c_str(), &b) != 0) return ErrnoStatus(Path(to), "stat");
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

Status LocalStore::List(const std::string& prefix, std::vector<StoreEntry>* out) {
  // A prefix is a folder ("a/b/") or a folder plus the start of names ("a/b/pa").
  std::string folder(KeyFolder(prefix));
  fs::path start = Path(folder);
  std::error_code error;
  if (!fs::exists(start, error)) return Status::OK();
  size_t first = out->size();
  auto options = fs::directory_options::none;
  for (auto it = fs::recursive_directory_iterator(start, options, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    std::error_code type_error;
    if (!it->is_regular_file(type_error) || it->is_symlink(type_error)) continue;
    // The key from the path alone: a file deleted by a concurrent writer (old log entries after a
    // checkpoint) must not fail the listing, which shows it or not, as an object store's would.
    std::string key = it->path().lexically_relative(root_).generic_string();
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    uint64_t size = it->file_size(type_error);
    if (type_error) continue;  // Deleted since it was listed.
    out->push_back({std::move(key), size});
  }
  if (error) return Status::IoError(start.string() + ": list failed: " + error.message());
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(first), out->end(),
            [](const StoreEntry& a, const StoreEntry& b) { return a.key < b.key; });
  return Status::OK();
}

Status LocalStore::Delete(const std::string& key) {
  fs::path path = Path(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(path, "delete");
  Changed(path.parent_path());
  // Drop folders the delete left empty (rmdir fails harmlessly on a non-empty one). Under the
  // creation lock, so CreateFolders counts its parents' changes right: a folder is not removed
  // between its stat and mkdir there. It may still be removed before the caller's file is made
  // in it (or by another process): Lease makes it again.
  MutexLock lock(&create_mu_);
  for (fs::path dir = path.parent_path(); dir != root_ && dir.native().size() > root_.native().size();
       dir = dir.parent_path()) {
    if (::rmdir(dir.c_str()) != 0) break;
    Changed(dir.parent_path());
  }
  return Status::OK();
}

Status LocalStore::SyncDir(const std::string& folder) {
  Status status = SyncFolder(Path(folder));
  return status.code() == StatusCode::kNotFound ? Status::OK() : status;  // Removed when emptied.
}

Status LocalStore::SyncFoldersUp(const fs::path& dir) {
  // Deepest first: a folder is durable before the entry that names it in its parent.
  for (fs::path folder = dir;; folder = folder.parent_path()) {
    ADXM_RETURN_IF_ERROR(SyncFolder(folder));
    if (FolderKey(folder).size() <= root_.native().size()) return Status::OK();
  }
}

Status LocalStore::SyncFolder(const fs::path& path) {
  const std::string key = FolderKey(path);
  uint64_t changes = 0;
  uint64_t epoch = 0;
  {
    MutexLock lock(&mu_);
    changes = changes_[key];
    epoch = epoch_;
    auto synced = synced_.find(key);
    if (synced != synced_.end() && synced->second == changes) return Status::OK();
  }
  // Changes are counted after they are made: every change counted so far happened before this
  // fsync starts, so it covers them; one counted meanwhile (made before or during the fsync)
  // leaves the counts unequal, and the next SyncDir fsyncs again.
  ++folder_syncs_;
  Status status = adxm::SyncDir(path);
  if (status.ok()) {
    MutexLock lock(&mu_);
    if (epoch == epoch_) {  // Not when Lock forgot every sync meanwhile.
      uint64_t& synced = synced_[key];
      synced = std::max(synced, changes);  // A slower fsync started earlier may finish last.
    }
  }
  return status;
}

Result<std::unique_ptr<StoreLock>> LocalStore::Lock(const std::string& key, std::string_view holder) {
  fs::path path = Path(key);
  ADXM_RETURN_IF_ERROR(CreateFolders(path.parent_path()));
  auto lock = LockFile::Acquire(path, holder);
  Changed(path.parent_path());
  ADXM_RETURN_IF_ERROR(lock.status());
  {
    // Others may have changed any folder while nobody here held the lock (a run of another
    // process that died): no folder counts as synced until this store fsyncs it again.
    MutexLock guard(&mu_);
    synced_.clear();
    ++epoch_;
  }
  return std::unique_ptr<StoreLock>(new HeldLockFile(std::move(*lock)));
}

Result<std::unique_ptr<StoreLock>> LocalStore::Lease(const std::string& key) {
  fs::path path = Path(key);
  // Locked before it gets its name: ListLeases never sees it unheld.
  fs::path temp = Path(TempKey(key));
  int fd = -1;
  for (int attempt = 1;; ++attempt) {
    ADXM_RETURN_IF_ERROR(CreateFolders(path.parent_path()));
    fd = OpenLocked(temp, LOCK_SH);
    // A released lease's Delete (here or in another process) may have emptied and removed the
    // folder since it was made or found: make it again. Once the temp file is in it, it stays.
    if (fd >= 0 || errno != ENOENT || attempt == kLeaseAttempts) break;
  }
  if (fd < 0) return ErrnoStatus(path, "lease");
  bool linked = ::link(temp.c_str(), path.c_str()) == 0;
  int err = errno;
  ::unlink(temp.c_str());
  Changed(path.parent_path());
  if (!linked) {
    ::close(fd);
    return ErrnoStatus(path, "lease", err);
  }
  return std::unique_ptr<StoreLock>(new LocalLock(fd));
}

Status LocalStore::ListLeases(const std::string& prefix, std::vector<LeaseInfo>* out) {
  std::vector<StoreEntry> entries;
  ADXM_RETURN_IF_ERROR(List(prefix, &entries));
  for (const StoreEntry& entry : entries) {
    // A lease whose holder is alive keeps its shared flock, so an exclusive one fails.
    int fd = ::open(Path(entry.key).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // Released meanwhile.
    bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
    ::close(fd);
    out->push_back({entry.key, held});
  }
  return Status::OK();
}

}  // namespace adxm

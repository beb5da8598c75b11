#include "base/file_util.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace adxm {
namespace {

Status ErrnoStatus(const fs::path& path, std::string_view op) {
  std::string msg = path.string();
  msg += ": ";
  msg += op;
  msg += " failed: ";
  int err = errno;
  msg += std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  if (err == EACCES || err == EPERM) return Status::PermissionDenied(std::move(msg));
  return Status::IoError(std::move(msg));
}

Status WriteAll(int fd, const fs::path& path, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "write");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

}  // namespace

Status ReadFileInto(const fs::path& path, std::string* out, size_t padding) {
  return ReadFileInto(path.string(), out, padding);
}

Status ReadFileInto(const std::string& path_text, std::string* out, size_t padding) {
  auto path = [&] { return fs::path(path_text); };  // For messages only.
  int fd = ::open(path_text.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path(), "open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = ErrnoStatus(path(), "stat");
    ::close(fd);
    return s;
  }
  size_t size = static_cast<size_t>(st.st_size);
  out->reserve(size + padding);
  out->resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, out->data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ErrnoStatus(path(), "read");
      ::close(fd);
      return s;
    }
    if (n == 0) break;  // The file shrank while we read it.
    done += static_cast<size_t>(n);
  }
  out->resize(done);
  ::close(fd);
  return Status::OK();
}

Result<std::string> ReadFile(const fs::path& path) {
  std::string data;
  ADXM_RETURN_IF_ERROR(ReadFileInto(path, &data));
  return data;
}

Status WriteFile(const fs::path& path, std::string_view data, bool sync) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(path, "open");
  Status s = WriteAll(fd, path, data);
  if (s.ok() && sync && ::fsync(fd) != 0) s = ErrnoStatus(path, "fsync");
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(path, "close");
  return s;
}

Status SyncFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, "open");
  Status s;
  if (::fsync(fd) != 0) s = ErrnoStatus(path, "fsync");
  ::close(fd);
  return s;
}

Status SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(dir, "open directory");
  Status s;
  if (::fsync(fd) != 0) s = ErrnoStatus(dir, "fsync directory");
  ::close(fd);
  return s;
}

Status RenameFile(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus(from, "rename to " + to.string());
  }
  return Status::OK();
}

Status CreateDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir.string() + ": create directory failed: " + ec.message());
  return Status::OK();
}

Status RemoveAll(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::IoError(path.string() + ": remove failed: " + ec.message());
  return Status::OK();
}

Status WriteFileAtomic(const fs::path& path, std::string_view data) {
  fs::path tmp = path;
  tmp += ".tmp";
  ADXM_RETURN_IF_ERROR(WriteFile(tmp, data, /*sync=*/true));
  ADXM_RETURN_IF_ERROR(RenameFile(tmp, path));
  return SyncDir(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

Result<std::unique_ptr<AppendFile>> AppendFile::Open(const fs::path& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(path, "open");
  // Drop any torn tail past the last committed record before appending.
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0 ||
      ::lseek(fd, static_cast<off_t>(size), SEEK_SET) < 0) {
    Status s = ErrnoStatus(path, "truncate");
    ::close(fd);
    return s;
  }
  return std::unique_ptr<AppendFile>(new AppendFile(path, fd));
}

AppendFile::~AppendFile() { ::close(fd_); }

Status AppendFile::Append(std::string_view data) { return WriteAll(fd_, path_, data); }

Status AppendFile::Sync() {
  if (::fsync(fd_) != 0) return ErrnoStatus(path_, "fsync");
  return Status::OK();
}

Result<std::unique_ptr<LockFile>> LockFile::Acquire(const fs::path& path, std::string_view holder) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(path, "open lock");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string current;
    (void)ReadFileInto(path, &current);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      errno = err;
      return ErrnoStatus(path, "lock");
    }
    while (!current.empty() && current.back() == '\n') current.pop_back();
    return Status::Unavailable(path.string() + ": another ingest holds this warehouse (" +
                               (current.empty() ? std::string("holder unknown") : current) + ")");
  }
  std::string text(holder);
  text += '\n';
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    Status s = ErrnoStatus(path, "write lock");
    ::close(fd);
    return s;
  }
  return std::unique_ptr<LockFile>(new LockFile(fd));
}

LockFile::~LockFile() { ::close(fd_); }  // Closing releases the flock.

std::string DescribeThisProcess() {
  char host[256] = "unknown-host";
  ::gethostname(host, sizeof(host) - 1);
  std::time_t now = std::time(nullptr);
  char when[32];
  std::tm tm {};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return "pid " + std::to_string(::getpid()) + " on " + host + ", started " + when;
}

}  // namespace adxm

namespace adxm {
namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override { return WriteAll(fd_, path_, data); }
  Status Sync() override {
    if (::fsync(fd_) != 0) return ErrnoStatus(path_, "fsync");
    return Status::OK();
  }
  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return ErrnoStatus(path_, "close");
    return Status::OK();
  }

 private:
  fs::path path_;
  int fd_;
};

}  // namespace

Result<std::unique_ptr<WritableFile>> NewLocalWritableFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(path, "create");
  return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
}

Status ReadFileRange(const fs::path& path, uint64_t offset, uint64_t size, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, "open");
  out->resize(size);
  uint64_t done = 0;
  Status status;
  while (done < size) {
    ssize_t got = ::pread(fd, out->data() + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) status = ErrnoStatus(path, "read");
    if (got <= 0) break;
    done += static_cast<uint64_t>(got);
  }
  ::close(fd);
  out->resize(done);
  return status;
}

}  // namespace adxm

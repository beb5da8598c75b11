// S3Store's reader cache: DuckDB reads local files, so MakeReadable fetches objects to
// <cache_dir>/<key>. Each file has a sidecar <file>.etag holding "<size> <etag>" of the object it
// was fetched from; a file whose sidecar does not match the object's listing is fetched again.
// Invariants: a file under its final name is whole (written to a temp name, then renamed); a
// sidecar never describes other bytes than the file beside it (the old sidecar is deleted before
// the new file is renamed in place, the new one written after). The sidecar's mtime is the file's
// last use, for LRU eviction.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "base/file_util.h"
#include "warehouse/s3_store.h"

namespace adxm {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSidecar = ".etag";

std::string Stamp(uint64_t size, std::string_view etag) { return std::to_string(size) + " " + std::string(etag); }

fs::path SidecarOf(const fs::path& file) { return fs::path(file.string() + std::string(kSidecar)); }

// The longest common prefix of `keys`, cut after its last '/': one listing covers them all.
std::string CommonFolder(const std::vector<std::string>& keys) {
  std::string prefix = keys.front();
  for (const std::string& key : keys) {
    size_t length = 0;
    while (length < prefix.size() && length < key.size() && prefix[length] == key[length]) ++length;
    prefix.resize(length);
  }
  size_t slash = prefix.rfind('/');
  return slash == std::string::npos ? std::string() : prefix.substr(0, slash + 1);
}

}  // namespace

std::string S3Store::ReaderPath(const std::string& key) const { return (cache_dir_ / key).string(); }

Status S3Store::MakeReadable(const std::vector<std::string>& keys) {
  if (keys.empty()) return Status::OK();
  std::vector<S3Object> objects;
  ADXM_RETURN_IF_ERROR(client_->List({.bucket = root_.bucket, .prefix = FullKey(CommonFolder(keys))}, &objects));
  std::map<std::string, const S3Object*> remote;
  for (const S3Object& object : objects) remote[object.key.substr(root_.key.size())] = &object;
  std::vector<std::pair<std::string, const S3Object*>> todo;
  for (const std::string& key : keys) {
    auto it = remote.find(key);
    if (it == remote.end()) return Status::NotFound(Describe() + "/" + key + ": no such object (to read)");
    fs::path file = cache_dir_ / key;
    std::string stamp;
    std::error_code error;
    if (fs::file_size(file, error) == it->second->size && !error && ReadFileInto(SidecarOf(file), &stamp).ok() &&
        stamp == Stamp(it->second->size, it->second->etag)) {
      fs::last_write_time(SidecarOf(file), fs::file_time_type::clock::now(), error);  // Used now (LRU).
      continue;
    }
    todo.emplace_back(key, it->second);
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto work = [&] {
    for (size_t index = next++; index < todo.size(); index = next++) {
      Status status = Fetch(todo[index].first, *todo[index].second);
      std::lock_guard<std::mutex> lock(mu);
      if (!status.ok() && first_error.ok()) first_error = status;
    }
  };
  std::vector<std::thread> threads;
  const size_t count = std::min<size_t>(todo.size(), static_cast<size_t>(std::max(1, options_.fetch_threads)));
  for (size_t thread = 1; thread < count; ++thread) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  ADXM_RETURN_IF_ERROR(first_error);
  return Evict(std::set<std::string>(keys.begin(), keys.end()));
}

Status S3Store::Fetch(const std::string& key, const S3Object& remote) {
  fs::path file = cache_dir_ / key;
  ADXM_RETURN_IF_ERROR(CreateDirs(file.parent_path()));
  std::string data, etag;
  ADXM_RETURN_IF_ERROR(client_->Get(root_.bucket, FullKey(key), &data, 0, &etag));
  if (etag.empty()) etag = remote.etag;
  const std::string suffix = ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter_++);
  fs::path temp = file.parent_path() / ("." + file.filename().string() + suffix);
  ADXM_RETURN_IF_ERROR(WriteFile(temp, data, /*sync=*/false));
  std::error_code error;
  fs::remove(SidecarOf(file), error);
  Status renamed = RenameFile(temp, file);
  if (!renamed.ok()) {
    fs::remove(temp, error);
    return renamed.WithContext(Describe() + "/" + key + ": cache");
  }
  fs::path sidecar_temp = file.parent_path() / ("." + SidecarOf(file).filename().string() + suffix);
  ADXM_RETURN_IF_ERROR(WriteFile(sidecar_temp, Stamp(data.size(), etag), /*sync=*/false));
  return RenameFile(sidecar_temp, SidecarOf(file));
}

Status S3Store::Evict(const std::set<std::string>& keep) {
  struct Cached {
    fs::file_time_type used;
    fs::path file;
    uint64_t size;
    bool keep;
  };
  std::vector<Cached> files;
  uint64_t total = 0;
  std::error_code error;
  if (!fs::exists(cache_dir_, error)) return Status::OK();
  for (auto it = fs::recursive_directory_iterator(cache_dir_, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    std::error_code entry_error;
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file(entry_error) || name.ends_with(kSidecar) || name.starts_with('.')) continue;
    uint64_t size = it->file_size(entry_error);
    if (entry_error) continue;
    fs::file_time_type used = fs::last_write_time(SidecarOf(it->path()), entry_error);
    if (entry_error) used = fs::file_time_type::min();  // No sidecar: useless, evicted first.
    std::string key = it->path().lexically_relative(cache_dir_).generic_string();
    files.push_back({used, it->path(), size, keep.count(key) > 0});
    total += size;
  }
  if (error) return Status::IoError(cache_dir_.string() + ": list the cache: " + error.message());
  if (total <= options_.cache_bytes) return Status::OK();
  std::sort(files.begin(), files.end(), [](const Cached& a, const Cached& b) { return a.used < b.used; });
  for (const Cached& cached : files) {
    if (total <= options_.cache_bytes) break;
    if (cached.keep) continue;
    fs::remove(SidecarOf(cached.file), error);  // First: a file without sidecar is refetched.
    fs::remove(cached.file, error);
    total -= cached.size;
  }
  return Status::OK();
}

}  // namespace adxm

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>
#include <utility>

#include "base/file_util.h"
#include "source/log_source.h"

namespace adxm {
namespace {

ObjectInfo Problem(std::string key, std::string problem) {
  ObjectInfo info;
  info.key = std::move(key);
  info.problem = std::move(problem);
  return info;
}

class LocalSource final : public LogSource {
 public:
  explicit LocalSource(fs::path root) : root_(std::move(root)) {}

  std::string Describe() const override { return root_.string(); }

  Status List(std::vector<ObjectInfo>* objects) override {
    std::set<std::pair<dev_t, ino_t>> visited;  // Directories listed: links may lead back.
    struct stat root_stat;
    if (::stat(root_.c_str(), &root_stat) != 0) {
      return Status::IoError(root_.string() + ": cannot list the source: " + std::strerror(errno));
    }
    visited.emplace(root_stat.st_dev, root_stat.st_ino);
    std::vector<std::string> pending = {""};  // Directory keys to list: "" (the root) or "a/b/".
    while (!pending.empty()) {
      std::string dir = std::move(pending.back());
      pending.pop_back();
      std::error_code ec;
      std::vector<std::pair<std::string, bool>> names;  // (name, is a directory itself, not a link).
      for (fs::directory_iterator it(root_ / dir, ec), end; !ec && it != end; it.increment(ec)) {
        // The type readdir reported (is_symlink first: is_directory alone follows links); an
        // lstat only where the file system reports none. No stat per entry, so it works past PATH_MAX.
        std::error_code type_ec;
        bool is_directory = !it->is_symlink(type_ec) && it->is_directory(type_ec);
        names.emplace_back(it->path().filename().string(), is_directory);
      }
      if (ec && dir.empty()) {
        return Status::IoError(root_.string() + ": cannot list the source: " + ec.message());
      }
      if (ec) objects->push_back(Problem(dir, "cannot list directory: " + ec.message()));
      // Sorted, so that which of two links to one directory is followed does not vary.
      std::sort(names.begin(), names.end(), std::greater<>());
      for (const auto& [name, is_directory] : names) AddEntry(dir + name, is_directory, &visited, &pending, objects);
    }
    std::sort(objects->begin(), objects->end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return Status::OK();
  }

  Status Read(const ObjectInfo& object, std::string* out, size_t padding) override {
    return ReadFileInto(root_ / object.key, out, padding);
  }

 private:
  // Add the entry `key` (a file, or a directory to list later); one stat, following links.
  void AddEntry(const std::string& key, bool is_directory, std::set<std::pair<dev_t, ino_t>>* visited,
                std::vector<std::string>* pending, std::vector<ObjectInfo>* objects) {
    fs::path path = root_ / key;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int error = errno;
      struct stat link;
      bool dangling = error == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
      // ENOENT without a link: it vanished while listing, which is not a problem.
      if (dangling) {
        objects->push_back(Problem(key, "dangling symlink (its target does not exist)"));
        objects->back().dangling_link = true;
      }
      // A directory we cannot enter (a path too long, say) is named as a directory.
      if (error != ENOENT && is_directory) {
        objects->push_back(Problem(key + "/", std::string("cannot list directory: ") + std::strerror(error)));
      } else if (error != ENOENT) {
        objects->push_back(Problem(key, std::string("cannot stat: ") + std::strerror(error)));
      }
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      if (visited->emplace(st.st_dev, st.st_ino).second) pending->push_back(key + "/");
      return;
    }
    if (!S_ISREG(st.st_mode)) return;  // FIFOs, sockets, devices are not objects.
    ObjectInfo info;
    info.key = key;
    info.size = static_cast<uint64_t>(st.st_size);
    int64_t unix_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    info.version = "mtime-" + std::to_string(unix_ns);
    objects->push_back(std::move(info));
  }

  fs::path root_;
};

}  // namespace

Result<std::unique_ptr<LogSource>> OpenLocalSource(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::NotFound(root.string() + ": source is not a directory");
  }
  return std::unique_ptr<LogSource>(new LocalSource(root));
}

}  // namespace adxm

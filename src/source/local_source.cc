#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "base/file_util.h"
#include "source/log_source.h"

namespace adxm {
namespace {

class LocalSource final : public LogSource {
 public:
  explicit LocalSource(fs::path root) : root_(std::move(root)) {}

  std::string Describe() const override { return root_.string(); }

  Status List(std::vector<ObjectInfo>* objects) override {
    std::error_code ec;
    std::string prefix = root_.generic_string();
    if (prefix.back() != '/') prefix += '/';
    auto options = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(root_, options, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code entry_ec;
      if (!it->is_regular_file(entry_ec)) continue;
      ObjectInfo info;
      // A string strip, not fs::relative: that one stats and resolves every path.
      info.key = it->path().generic_string().substr(prefix.size());
      // One stat for size and mtime (directory_entry would stat once for each).
      struct stat st;
      if (::stat(it->path().c_str(), &st) != 0) continue;  // Vanished while listing.
      info.size = static_cast<uint64_t>(st.st_size);
      int64_t unix_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
      info.version = "mtime-" + std::to_string(unix_ns);
      objects->push_back(std::move(info));
    }
    if (ec) return Status::IoError(root_.string() + ": list failed: " + ec.message());
    std::sort(objects->begin(), objects->end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return Status::OK();
  }

  Status Read(const ObjectInfo& object, std::string* out, size_t padding) override {
    return ReadFileInto(root_ / object.key, out, padding);
  }

 private:
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

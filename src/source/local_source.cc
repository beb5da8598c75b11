#include <algorithm>
#include <chrono>
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
      info.size = it->file_size(entry_ec);
      auto mtime = it->last_write_time(entry_ec);
      // file_clock's epoch is not the Unix epoch: convert, so the version reads as Unix ns.
      auto unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::file_clock::to_sys(mtime).time_since_epoch());
      info.version = "mtime-" + std::to_string(unix_ns.count());
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

#include "source/s3_source.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "base/printable.h"
#include "base/thread_annotations.h"

namespace adxm {
namespace {

// Folders deeper than this are listed flat (no CloudTrail layout is that deep).
constexpr int kMaxWalkDepth = 8;
// Keys of a day-folder tree's window looked up first to tell whether the warehouse kept up with it.
constexpr size_t kFirstLookup = 64;

// The folder name above the region of ".../CloudTrail<suffix>/<region>/" ("CloudTrail",
// "CloudTrail-Digest", "CloudTrail-Insight"): a tree of YYYY/MM/DD day folders; "" for other prefixes.
std::string_view DayTreeKind(std::string_view prefix) {
  if (prefix.size() < 2 || prefix.back() != '/') return {};
  prefix.remove_suffix(1);
  const size_t region_start = prefix.rfind('/');
  if (region_start == std::string_view::npos) return {};
  std::string_view parent = prefix.substr(0, region_start);
  const size_t parent_start = parent.rfind('/');
  std::string_view name = parent_start == std::string_view::npos ? parent : parent.substr(parent_start + 1);
  return name.rfind("CloudTrail", 0) == 0 ? name : std::string_view();
}

// Objects fetched ahead of Read, in the announced order, within a count and a byte budget.
class Prefetcher {
 public:
  Prefetcher(S3Client* client, std::string bucket, std::string root, std::vector<ObjectInfo> order,
             const S3SourceOptions& options)
      : client_(client), bucket_(std::move(bucket)), root_(std::move(root)), order_(std::move(order)),
        max_in_flight_(static_cast<size_t>(std::max(1, options.in_flight))), max_bytes_(options.max_buffered_bytes) {
    for (size_t index = 0; index < order_.size(); ++index) slots_[order_[index].key].index = index;
    const size_t threads = std::min(max_in_flight_, order_.size());
    for (size_t index = 0; index < threads; ++index) threads_.emplace_back([this] { Run(); });
  }

  ~Prefetcher() {
    {
      MutexLock lock(&mu_);
      stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

  // Take `key`'s fetched bytes (waiting for them); false when `key` was not announced or was
  // already taken (the caller fetches it itself).
  bool Take(const std::string& key, std::string* out, Status* status) {
    std::unique_lock<Mutex> lock(mu_);
    auto it = slots_.find(key);
    if (it == slots_.end() || it->second.taken) return false;
    Slot& slot = it->second;
    slot.taken = true;
    if (!slot.started) return false;  // Not started yet: the caller fetches it now; it is skipped.
    changed_.wait(lock, [&] { return slot.done; });
    *status = std::move(slot.status);
    out->swap(slot.data);
    buffered_bytes_ -= slot.data_size;
    --ahead_;
    std::string().swap(slot.data);
    changed_.notify_all();
    return true;
  }

 private:
  struct Slot {
    size_t index = 0;
    bool started = false, done = false, taken = false;
    Status status;
    std::string data;
    size_t data_size = 0;
  };

  void Run() {
    for (;;) {
      Slot* slot = nullptr;
      size_t index = 0;
      {
        std::unique_lock<Mutex> lock(mu_);
        changed_.wait(lock, [&] {
          return stop_ || next_ >= order_.size() ||
                 (ahead_ < max_in_flight_ * 4 && buffered_bytes_ < max_bytes_);
        });
        while (!stop_ && next_ < order_.size() && slots_[order_[next_].key].taken) ++next_;
        if (stop_ || next_ >= order_.size()) return;
        index = next_++;
        slot = &slots_[order_[index].key];
        slot->started = true;
        ++ahead_;
        buffered_bytes_ += order_[index].size;  // Reserved before the bytes arrive.
        slot->data_size = order_[index].size;
      }
      std::string data;
      Status status = client_->Get(bucket_, root_ + order_[index].key, &data);
      {
        MutexLock lock(&mu_);
        buffered_bytes_ += data.size();
        buffered_bytes_ -= slot->data_size;
        slot->data_size = data.size();
        slot->data = std::move(data);
        slot->status = std::move(status);
        slot->done = true;
      }
      changed_.notify_all();
    }
  }

  S3Client* client_;
  const std::string bucket_, root_;
  const std::vector<ObjectInfo> order_;
  const size_t max_in_flight_;
  const size_t max_bytes_;
  Mutex mu_;
  std::condition_variable_any changed_;
  std::map<std::string, Slot> slots_ ADXM_GUARDED_BY(mu_);
  size_t next_ ADXM_GUARDED_BY(mu_) = 0;      // Next index to start.
  size_t ahead_ ADXM_GUARDED_BY(mu_) = 0;     // Started and not yet taken by a reader.
  size_t buffered_bytes_ ADXM_GUARDED_BY(mu_) = 0;
  bool stop_ ADXM_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

class S3Source final : public LogSource {
 public:
  S3Source(std::unique_ptr<S3Client> client, S3Uri uri, S3SourceOptions options)
      : client_(std::move(client)), uri_(std::move(uri)), options_(std::move(options)) {
    if (!uri_.key.empty() && uri_.key.back() != '/') uri_.key += '/';
  }

  std::string Describe() const override { return uri_.ToString(); }

  Status List(std::vector<ObjectInfo>* objects) override {
    std::vector<S3Object> listed;
    ADXM_RETURN_IF_ERROR(client_->List({.bucket = uri_.bucket, .prefix = uri_.key}, &listed));
    Append(listed, objects);
    return Status::OK();
  }

  Status ListRecent(const ListScope& scope, std::vector<ObjectInfo>* objects) override {
    if (scope.since_day.empty()) return List(objects);
    ADXM_RETURN_IF_ERROR(Walk(uri_.key, 0, scope, objects));
    std::sort(objects->begin(), objects->end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return Status::OK();
  }

  void WillRead(const std::vector<ObjectInfo>& objects) override {
    prefetcher_.reset();
    if (objects.empty()) return;
    prefetcher_ = std::make_unique<Prefetcher>(client_.get(), uri_.bucket, uri_.key, objects, options_);
  }

  Status Read(const ObjectInfo& object, std::string* out, size_t padding) override {
    Status status;
    if (prefetcher_ == nullptr || !prefetcher_->Take(object.key, out, &status)) {
      status = client_->Get(uri_.bucket, uri_.key + object.key, out);
    }
    if (status.ok()) out->reserve(out->size() + padding);
    return status;
  }

  std::string RequestSummary() const override { return client_->counts().ToString(); }

 private:
  // Append S3 objects to `objects` with keys relative to the source's prefix.
  void Append(const std::vector<S3Object>& listed, std::vector<ObjectInfo>* objects) const {
    for (const S3Object& object : listed) {
      if (object.key.size() <= uri_.key.size() || object.key.back() == '/') continue;  // The prefix itself, "folders".
      ObjectInfo info;
      info.key = object.key.substr(uri_.key.size());
      info.size = object.size;
      info.version = object.etag;
      objects->push_back(std::move(info));
    }
  }

  Status Walk(const std::string& prefix, int depth, const ListScope& scope, std::vector<ObjectInfo>* objects) {
    const std::string_view kind = DayTreeKind(prefix);
    if (kind == "CloudTrail") return ListDayTree(prefix, scope, objects);
    if (!kind.empty()) {  // Digests, Insights: never logs, listed only from since_day on (counted, ignored).
      std::vector<S3Object> recent;
      ADXM_RETURN_IF_ERROR(client_->List({.bucket = uri_.bucket, .prefix = prefix, .start_after = prefix + scope.since_day},
                                         &recent));
      Append(recent, objects);
      return Status::OK();
    }
    std::vector<S3Object> listed;
    if (depth >= kMaxWalkDepth) {
      ADXM_RETURN_IF_ERROR(client_->List({.bucket = uri_.bucket, .prefix = prefix}, &listed));
      Append(listed, objects);
      return Status::OK();
    }
    std::vector<std::string> folders;
    ADXM_RETURN_IF_ERROR(client_->List({.bucket = uri_.bucket, .prefix = prefix, .delimiter = "/"}, &listed, &folders));
    Append(listed, objects);
    for (const std::string& folder : folders) ADXM_RETURN_IF_ERROR(Walk(folder, depth + 1, scope, objects));
    return Status::OK();
  }

  // A ".../CloudTrail/<region>/" tree: from since_day on, when some log there is known to the
  // warehouse (it kept up with this tree) or there is no log there; else whole: the tree is new
  // to the warehouse, or fell behind (runs that failed for this bucket while the warehouse's
  // newest day moved on), or is quiet (few logs: a whole listing is small).
  Status ListDayTree(const std::string& tree, const ListScope& scope, std::vector<ObjectInfo>* objects) {
    std::vector<S3Object> recent;
    ADXM_RETURN_IF_ERROR(
        client_->List({.bucket = uri_.bucket, .prefix = tree, .start_after = tree + scope.since_day}, &recent));
    std::vector<ObjectInfo> recent_info;
    Append(recent, &recent_info);
    // The first keys usually settle it (one index part read); else all of them, in one batch.
    bool any_log = false, any_known = false;
    for (size_t begin = 0; begin < recent_info.size() && !any_known && scope.known;) {
      const size_t end = begin == 0 ? std::min<size_t>(kFirstLookup, recent_info.size()) : recent_info.size();
      std::vector<std::string> keys;
      for (size_t index = begin; index < end; ++index) keys.push_back(recent_info[index].key);
      for (const std::optional<bool>& known : scope.known(keys)) {
        any_log = any_log || known.has_value();
        any_known = any_known || known == true;
      }
      begin = end;
    }
    if (any_known || !any_log) {
      objects->insert(objects->end(), std::make_move_iterator(recent_info.begin()),
                      std::make_move_iterator(recent_info.end()));
      return Status::OK();
    }
    std::vector<S3Object> listed;
    ADXM_RETURN_IF_ERROR(client_->List({.bucket = uri_.bucket, .prefix = tree}, &listed));
    Append(listed, objects);
    return Status::OK();
  }

  std::unique_ptr<S3Client> client_;
  S3Uri uri_;
  S3SourceOptions options_;
  std::unique_ptr<Prefetcher> prefetcher_;
};

}  // namespace

Result<std::unique_ptr<LogSource>> OpenS3Source(const std::string& uri, const S3SourceOptions& options) {
  ADXM_ASSIGN_OR_RETURN(S3Uri parsed, ParseS3Uri(uri));
  ADXM_ASSIGN_OR_RETURN(auto client, S3Client::Make(options.s3));
  return std::unique_ptr<LogSource>(new S3Source(std::move(client), std::move(parsed), options));
}

Result<std::unique_ptr<LogSource>> OpenLogSource(const std::string& location, const S3SourceOptions& options) {
  if (IsS3Uri(location)) return OpenS3Source(location, options);
  return OpenLocalSource(location);
}

}  // namespace adxm

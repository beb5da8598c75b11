#include "serve/runner_pool.h"

#include <sys/stat.h>

#include "serve/scheduler.h"
#include "warehouse/open_store.h"
#include "warehouse/manifest.h"

namespace adxm {
namespace {

/// The newest commit of the warehouse, from its manifest (a checkpoint plus the log tail).
Result<uint64_t> NewestTxn(const std::filesystem::path& warehouse, const StoreOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto store, OpenStore(warehouse.string(), options));
  ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Open(store.get()));
  // A format-1 manifest (never migrated) has no txn; it changes only by an ingest, which migrates it.
  return manifest->state().txn;
}

}  // namespace

RunnerPool::Lease::~Lease() {
  if (runner_) pool_->Return(std::move(runner_), generation_);
}

Result<std::unique_ptr<ReportRunner>> RunnerPool::OpenRunner(const Mappings& mappings) const {
  ADXM_ASSIGN_OR_RETURN(auto runner,
                        ReportRunner::Open(options_.warehouse, mappings.subscribers ? &*mappings.subscribers : nullptr,
                                           mappings.datasets ? &*mappings.datasets : nullptr, options_.engine));
  if (options_.rollup) ADXM_RETURN_IF_ERROR(runner->BuildRollup());
  return runner;
}

Result<std::string> RunnerPool::MappingStamp() const {
  std::string stamp;
  for (const std::filesystem::path& file : {options_.mappings.subscribers, options_.mappings.datasets}) {
    if (file.empty()) continue;
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) return Status::NotFound("name mapping " + file.string() + ": cannot be read");
    stamp += std::to_string(info.st_size) + "/" + std::to_string(info.st_mtim.tv_sec) + "." +
             std::to_string(info.st_mtim.tv_nsec) + ";";
  }
  return stamp;
}

Status RunnerPool::Refresh() {
  std::lock_guard<std::mutex> refreshing(refresh_mutex_);
  Status refreshed = RefreshLocked();
  std::lock_guard<std::mutex> lock(mutex_);
  info_.refresh_error = refreshed.ok() ? "" : refreshed.ToString();
  return refreshed;
}

Status RunnerPool::RefreshLocked() {
  SnapshotInfo current;
  std::shared_ptr<const Mappings> mappings;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current = info_;
    mappings = mappings_;
  }
  // Read outside the lock: requests go on while the disk is read.
  ADXM_ASSIGN_OR_RETURN(uint64_t newest, NewestTxn(options_.warehouse, options_.engine.store));
  ADXM_ASSIGN_OR_RETURN(std::string stamp, MappingStamp());
  if (current.generation != 0 && newest == current.txn && stamp == mappings->stamp) return Status::OK();
  if (!mappings || stamp != mappings->stamp) {
    auto loaded = std::make_shared<Mappings>();
    if (!options_.mappings.subscribers.empty()) {
      ADXM_ASSIGN_OR_RETURN(loaded->subscribers, LoadMapping(MappingKind::kSubscribers, options_.mappings.subscribers));
    }
    if (!options_.mappings.datasets.empty()) {
      ADXM_ASSIGN_OR_RETURN(loaded->datasets, LoadMapping(MappingKind::kDatasets, options_.mappings.datasets));
    }
    loaded->stamp = stamp;
    mappings = std::move(loaded);
  }
  // Open and describe the new snapshot before switching to it.
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<ReportRunner> runner, OpenRunner(*mappings));
  SnapshotInfo info;
  info.txn = runner->engine()->txn();
  info.files = runner->engine()->file_count();
  ADXM_ASSIGN_OR_RETURN(QueryTable bounds,
                        runner->engine()->Run("SELECT min(year || '-' || month || '-' || day), "
                                              "max(year || '-' || month || '-' || day), max(eventTime) "
                                              "FROM adx_for_s3_metrics"));
  const auto& row = bounds.rows.at(0);
  info.first_day = row[0].value_or("");
  info.last_day = row[1].value_or("");
  info.data_through = row[2].value_or("");
  info.refreshed_at = FormatUtc(std::chrono::system_clock::now());
  // Every runner of the new generation is ready before the switch, so no request pays for opening
  // one (and building its rollup). One that does not open on the same commit is left to Acquire.
  std::vector<std::unique_ptr<ReportRunner>> fresh;
  fresh.push_back(std::move(runner));
  while (fresh.size() < options_.max_runners) {
    auto another = OpenRunner(*mappings);
    if (!another.ok() || (*another)->engine()->txn() != info.txn) break;
    fresh.push_back(std::move(*another));
  }
  std::vector<std::unique_ptr<ReportRunner>> retired;  // Closed after the lock is released.
  std::lock_guard<std::mutex> lock(mutex_);
  info.generation = info_.generation + 1;
  info_ = std::move(info);
  mappings_ = std::move(mappings);
  open_ -= idle_.size();  // Idle runners of the old generation close now; those on loan when returned.
  retired.swap(idle_);
  open_ += fresh.size();
  idle_ = std::move(fresh);
  returned_.notify_all();
  return Status::OK();
}

Result<RunnerPool::Lease> RunnerPool::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (info_.generation == 0) return Status::Unavailable("the warehouse has not been opened yet");
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < options_.max_runners; });
  uint64_t generation = info_.generation;
  if (!idle_.empty()) {
    std::unique_ptr<ReportRunner> runner = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(runner), generation);
  }
  ++open_;  // Reserved: opened outside the lock.
  std::shared_ptr<const Mappings> mappings = mappings_;
  lock.unlock();
  auto runner = OpenRunner(*mappings);
  if (!runner.ok()) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return runner.status();
  }
  // A runner opened while a refresh switched snapshots may show the newer commit or the older;
  // it serves this request and retires on return if it is not of the generation in use.
  return Lease(this, std::move(*runner), generation);
}

void RunnerPool::Return(std::unique_ptr<ReportRunner> runner, uint64_t generation) {
  std::unique_ptr<ReportRunner> retired;  // Closed after the lock is released.
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation == info_.generation && runner->engine()->txn() == info_.txn) {
    idle_.push_back(std::move(runner));
  } else {
    --open_;  // Of an older generation, or opened on another commit during a switch: it retires.
    retired = std::move(runner);
  }
  returned_.notify_one();
}

SnapshotInfo RunnerPool::info() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return info_;
}

}  // namespace adxm

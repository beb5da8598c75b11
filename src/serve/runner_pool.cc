#include "serve/runner_pool.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "warehouse/local_store.h"
#include "warehouse/manifest.h"

namespace adxm {
namespace {

std::string NowUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

/// The newest commit of the warehouse, from its manifest (a checkpoint plus the log tail).
Result<uint64_t> NewestTxn(const std::filesystem::path& warehouse) {
  ADXM_ASSIGN_OR_RETURN(auto store, LocalStore::Open(warehouse));
  ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Open(store.get()));
  // A format-1 manifest (never migrated) has no txn; it changes only by an ingest, which migrates it.
  return manifest->state().txn;
}

}  // namespace

RunnerPool::Lease::~Lease() {
  if (runner_) pool_->Return(std::move(runner_), generation_);
}

Result<std::unique_ptr<ReportRunner>> RunnerPool::OpenRunner() const {
  ADXM_ASSIGN_OR_RETURN(auto runner, ReportRunner::Open(options_.warehouse, options_.mappings, options_.engine));
  if (options_.rollup) ADXM_RETURN_IF_ERROR(runner->BuildRollup());
  return runner;
}

Status RunnerPool::Refresh() {
  std::lock_guard<std::mutex> refreshing(refresh_mutex_);
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation = info_.generation;
    if (generation != 0) {
      auto newest = NewestTxn(options_.warehouse);
      if (!newest.ok()) return newest.status();
      if (*newest == info_.txn) return Status::OK();
    }
  }
  // Open and describe the new snapshot before switching to it.
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<ReportRunner> runner, OpenRunner());
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
  info.refreshed_at = NowUtc();
  std::lock_guard<std::mutex> lock(mutex_);
  info.generation = generation + 1;
  info_ = std::move(info);
  idle_.clear();
  idle_.push_back(std::move(runner));
  open_ = 1;
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
  lock.unlock();
  auto runner = OpenRunner();
  if (!runner.ok()) {
    lock.lock();
    if (info_.generation == generation) --open_;
    returned_.notify_one();
    return runner.status();
  }
  // A runner opened while a refresh switched snapshots may show the newer commit or the older;
  // it serves this request and retires on return if it is not of the generation in use.
  return Lease(this, std::move(*runner), generation);
}

void RunnerPool::Return(std::unique_ptr<ReportRunner> runner, uint64_t generation) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation == info_.generation && runner->engine()->txn() == info_.txn) {
    idle_.push_back(std::move(runner));
  } else if (generation == info_.generation) {
    --open_;  // Opened during a switch on another commit: retire it.
  }
  returned_.notify_one();
}

SnapshotInfo RunnerPool::info() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return info_;
}

}  // namespace adxm

// RunnerPool: the report runners (report/report_runner.h) the dashboard's requests share, all on
// the warehouse's newest committed snapshot and one reading of the mapping files.
//
// A runner owns one DuckDB instance and serves one request at a time; at most `max_runners` exist
// (requests wait for one), plus the one a refresh opens. Refresh() checks the manifest (a
// checkpoint and a short log tail: about a millisecond) and the mapping files' size and time; when
// a commit landed or a mapping changed, it loads the mappings once, opens `max_runners` runners on
// the new snapshot and builds their rollups *before* switching: requests never wait for a refresh, and
// runners of the old generation retire as they are returned (the files they read stay readable:
// see Snapshot). The generation changes with every switch, so caches keyed on it never serve
// stale figures. A failed refresh keeps the generation in use and is reported in info().
//
// Thread-safety: thread-safe.
// Example:
//   RunnerPool pool(options);
//   ADXM_RETURN_IF_ERROR(pool.Refresh());
//   ADXM_ASSIGN_OR_RETURN(RunnerPool::Lease lease, pool.Acquire());
//   lease->Run(*FindReport("events"), params);
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "report/mapping.h"
#include "report/report_runner.h"

namespace adxm {

struct RunnerPoolOptions {
  std::filesystem::path warehouse;
  MappingFiles mappings;
  QueryEngineOptions engine;
  size_t max_runners = 2;  // Concurrent queries; each runner is one DuckDB instance.
  bool rollup = true;      // Build each runner's daily rollup (ReportRunner::BuildRollup) when it opens.
};

/// What the snapshot in use holds (for /api/status).
struct SnapshotInfo {
  uint64_t generation = 0;    // Changes with every switch to a newer snapshot or mapping.
  uint64_t txn = 0;           // Commit shown.
  size_t files = 0;           // Live data files.
  std::string first_day;      // "YYYY-MM-DD"; empty when there is no data.
  std::string last_day;
  std::string data_through;   // Newest eventTime, as DuckDB renders it; empty when no data.
  std::string refreshed_at;   // When the snapshot was opened, "YYYY-MM-DDTHH:MM:SSZ".
  std::string refresh_error;  // Why the last refresh failed (the generation above is still served); empty: it did not.
};

class RunnerPool {
 public:
  explicit RunnerPool(RunnerPoolOptions options) : options_(std::move(options)) {}

  /// A runner on loan; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(RunnerPool* pool, std::unique_ptr<ReportRunner> runner, uint64_t generation)
        : pool_(pool), runner_(std::move(runner)), generation_(generation) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    ReportRunner* operator->() const { return runner_.get(); }
    ReportRunner* get() const { return runner_.get(); }
    uint64_t generation() const { return generation_; }

   private:
    RunnerPool* pool_;
    std::unique_ptr<ReportRunner> runner_;
    uint64_t generation_;
  };

  /// Switch to the newest committed snapshot if a commit landed (or a mapping file changed) since
  /// the one in use; the first call opens one. An error leaves the pool on what it had.
  Status Refresh();

  /// A runner on the snapshot in use; waits while `max_runners` are busy.
  Result<Lease> Acquire();

  /// The snapshot in use (generation 0 before the first successful Refresh()).
  SnapshotInfo info() const;

 private:
  struct Mappings {
    std::optional<Mapping> subscribers, datasets;
    std::string stamp;  // Size and modification time of each file: a change makes a new generation.
  };

  void Return(std::unique_ptr<ReportRunner> runner, uint64_t generation);
  Result<std::unique_ptr<ReportRunner>> OpenRunner(const Mappings& mappings) const;
  Result<std::string> MappingStamp() const;
  Status RefreshLocked();

  const RunnerPoolOptions options_;
  std::mutex refresh_mutex_;  // One Refresh() at a time; never held with mutex_ while opening.
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  SnapshotInfo info_;                                 // Guarded by mutex_.
  std::shared_ptr<const Mappings> mappings_;          // Guarded by mutex_: of info_.generation.
  std::vector<std::unique_ptr<ReportRunner>> idle_;   // Guarded by mutex_; all of info_.generation.
  size_t open_ = 0;  // Guarded by mutex_: runners alive from Acquire (idle, on loan, retiring, opening).
};

}  // namespace adxm

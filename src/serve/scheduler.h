// IngestScheduler: the AWS sample's daily job inside `adxmetrics serve` — ingests a log source into
// the warehouse at a time of day (UTC) or at a fixed interval, on its own thread.
//
// Runs never overlap (one thread; an ingest by another process holds the warehouse lock and makes
// a run fail with that reason, retried at the next time). The API keeps answering from its
// snapshot during a run; after a run `on_finished` is called (the server refreshes its snapshot).
// The last run's summary, including every rejected object and its reason, is kept for /api/status.
//
// Thread-safety: thread-safe.
// Example:
//   ScheduleOptions options{.source = "/data/logs", .warehouse = "/data/wh", .every_seconds = 3600};
//   IngestScheduler scheduler(options, [&] { pool.Refresh(); });
//   scheduler.Start();
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "source/s3_source.h"

#include "base/status.h"
#include "ingest/ingest.h"

namespace adxm {

struct ScheduleOptions {
  std::string source;                 // Log folder, or s3://bucket/prefix.
  S3SourceOptions source_s3;          // How to reach an S3 source.
  std::filesystem::path warehouse;
  std::optional<int> daily_at_minute;  // Minute of the UTC day (HH:MM); or
  int64_t every_seconds = 0;           // an interval; the first run starts at once.
  IngestOptions ingest;
};

/// Parse "HH:MM" (24-hour, UTC) into a minute of the day; InvalidArgument otherwise.
Result<int> ParseTimeOfDay(std::string_view text);
/// Parse an interval "90s", "15m", "1h", "2d" (at least 1 s); InvalidArgument otherwise.
Result<int64_t> ParseInterval(std::string_view text);

/// What one run did.
struct IngestRun {
  std::string started_at;   // "YYYY-MM-DDTHH:MM:SSZ".
  std::string finished_at;
  bool ok = false;          // The run completed (it may still have rejected objects).
  std::string error;        // Why it failed, when !ok.
  IngestReport report;      // When ok.
};

class IngestScheduler {
 public:
  IngestScheduler(ScheduleOptions options, std::function<void()> on_finished)
      : options_(std::move(options)), on_finished_(std::move(on_finished)) {}
  ~IngestScheduler() { Stop(); }

  void Start();
  /// Stop waiting and join the thread (a run in progress finishes first).
  void Stop();

  struct State {
    bool running = false;
    std::string next_run;             // "YYYY-MM-DDTHH:MM:SSZ"; empty while running.
    std::optional<IngestRun> last;
  };
  State state() const;
  const ScheduleOptions& options() const { return options_; }

 private:
  void Loop();
  std::chrono::system_clock::time_point NextRun(std::chrono::system_clock::time_point now, bool first) const;
  IngestRun RunOnce();

  const ScheduleOptions options_;
  const std::function<void()> on_finished_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;   // Guarded by mutex_.
  State state_;         // Guarded by mutex_.
  std::thread thread_;
};

/// Format a time point as "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatUtc(std::chrono::system_clock::time_point time);

}  // namespace adxm

#include "serve/scheduler.h"

#include <malloc.h>

#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "source/log_source.h"

namespace adxm {

std::string FormatUtc(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

Result<int> ParseTimeOfDay(std::string_view text) {
  int hour = -1, minute = -1;
  if (text.size() == 5 && text[2] == ':') {
    auto h = std::from_chars(text.data(), text.data() + 2, hour);
    auto m = std::from_chars(text.data() + 3, text.data() + 5, minute);
    if (h.ptr != text.data() + 2 || m.ptr != text.data() + 5) hour = -1;
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return Status::InvalidArgument("--daily-at '" + std::string(text) + "' is not a time HH:MM (24-hour, UTC)");
  }
  return hour * 60 + minute;
}

Result<int64_t> ParseInterval(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, text.data() + text.size() - end);
  int64_t scale = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (error != std::errc() || end == text.data() || scale == 0 || value < 1 || value > 366 * 86400 / scale) {
    return Status::InvalidArgument("--every '" + std::string(text) +
                                   "' is not an interval such as 90s, 15m, 1h or 1d (at most a year)");
  }
  return value * scale;
}

void IngestScheduler::Start() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.next_run = FormatUtc(NextRun(std::chrono::system_clock::now(), /*first=*/true));
  }
  thread_ = std::thread([this] { Loop(); });
}

void IngestScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

IngestScheduler::State IngestScheduler::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

std::chrono::system_clock::time_point IngestScheduler::NextRun(std::chrono::system_clock::time_point now,
                                                               bool first) const {
  using std::chrono::seconds;
  if (!options_.daily_at_minute) return first ? now : now + seconds(options_.every_seconds);
  // The next HH:MM UTC strictly after now.
  int64_t epoch = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
  int64_t day_start = epoch - epoch % 86400;
  int64_t at = day_start + int64_t{*options_.daily_at_minute} * 60;
  if (at <= epoch) at += 86400;
  return std::chrono::system_clock::time_point(seconds(at));
}

IngestRun IngestScheduler::RunOnce() {
  IngestRun run;
  run.started_at = FormatUtc(std::chrono::system_clock::now());
  auto source = OpenLogSource(options_.source, options_.source_s3);
  if (!source.ok()) {
    run.error = source.status().ToString();
  } else {
    auto report = Ingest(source->get(), options_.warehouse.string(), options_.ingest);
    if (report.ok()) {
      run.ok = true;
      run.report = std::move(*report);
    } else {
      run.error = report.status().ToString();
    }
  }
  run.finished_at = FormatUtc(std::chrono::system_clock::now());
  return run;
}

void IngestScheduler::Loop() {
  auto next = NextRun(std::chrono::system_clock::now(), /*first=*/true);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    if (wake_.wait_until(lock, next, [&] { return stop_; })) break;
    if (std::chrono::system_clock::now() < next) continue;  // Woken early by the clock.
    state_.running = true;
    state_.next_run.clear();
    lock.unlock();
    IngestRun run = RunOnce();
    malloc_trim(0);  // The server keeps running: what the run freed goes back to the system.
    std::fprintf(stderr, "adxmetrics serve: scheduled ingest %s: %s\n", run.ok ? "done" : "failed",
                 run.ok ? fmt::format("{} object(s) ingested, {} rejected, {} row(s) added", run.report.objects_ingested,
                                      run.report.rejected.size(), run.report.rows_written)
                                .c_str()
                        : run.error.c_str());
    lock.lock();
    state_.last = std::move(run);
    if (stop_) break;  // Stopping: no refresh of a server that is going away.
    lock.unlock();
    on_finished_();  // The server moves to the new snapshot; "running" until it has.
    lock.lock();
    state_.running = false;
    next = NextRun(std::chrono::system_clock::now(), /*first=*/false);
    state_.next_run = FormatUtc(next);
  }
}

}  // namespace adxm

#include "bench/bench_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "base/file_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStampName = "bench_stamp.json";

json OptionsJson(const GenerateOptions& options) {
  json params = {{"seed", options.seed}, {"start", options.start}, {"days", options.days},
                 {"events_per_day", options.events_per_day}, {"subscribers", options.subscribers}};
  // Layout options join the stamp only when set, so buckets cached before they existed stay valid.
  const GenerateOptions defaults;
  if (options.regions != defaults.regions) params["regions"] = options.regions;
  if (options.window_seconds != defaults.window_seconds) params["window_seconds"] = options.window_seconds;
  if (options.objects_per_data_set != defaults.objects_per_data_set) {
    params["objects_per_data_set"] = options.objects_per_data_set;
  }
  if (options.ips_per_subscriber != defaults.ips_per_subscriber) {
    params["ips_per_subscriber"] = options.ips_per_subscriber;
  }
  return params;
}

json SummaryJson(const GenerateSummary& summary) {
  return {{"files", summary.files}, {"qualifying_events", summary.qualifying_events},
          {"noise_events", summary.noise_events}, {"duplicate_deliveries", summary.duplicate_deliveries},
          {"late_files", summary.late_files}, {"json_bytes", summary.json_bytes}, {"gz_bytes", summary.gz_bytes},
          {"digest_files", summary.digest_files}};
}

GenerateSummary SummaryFromJson(const json& in) {
  GenerateSummary summary;
  summary.files = in.value("files", 0ull);
  summary.qualifying_events = in.value("qualifying_events", 0ull);
  summary.noise_events = in.value("noise_events", 0ull);
  summary.duplicate_deliveries = in.value("duplicate_deliveries", 0ull);
  summary.late_files = in.value("late_files", 0ull);
  summary.json_bytes = in.value("json_bytes", 0ull);
  summary.gz_bytes = in.value("gz_bytes", 0ull);
  summary.digest_files = in.value("digest_files", 0ull);
  return summary;
}

// Return the stamp at `path` if it was written for `params`; a missing or foreign stamp is nullopt.
std::optional<json> MatchingStamp(const fs::path& path, const json& params) {
  auto text = ReadFile(path);
  if (!text.ok()) return std::nullopt;
  json stamp = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (stamp.is_discarded() || !stamp.is_object() || stamp.value("params", json()) != params) return std::nullopt;
  return stamp;
}

}  // namespace

GenerateOptions BulkBucketOptions(unsigned long long events) {
  GenerateOptions options;
  options.days = 3;
  // Measured: 3 days give ~3.06 qualifying events per requested event per day, plus ~36k from the
  // last subscriber's bulk download of a whole data set (whatever the size).
  double per_day = (static_cast<double>(events) - 36000) / 3.06;
  options.events_per_day = static_cast<int>(std::max(per_day, 1000.0) + 0.5);
  return options;
}

GenerateOptions SmallFilesBucketOptions() {
  GenerateOptions options;
  options.days = 31;
  options.events_per_day = 2000;  // ~650 log files a day (3 regions x 288 windows, most non-empty).
  return options;
}

GenerateOptions MatrixBucketOptions(unsigned long long events, int days, int regions, int records_per_object) {
  GenerateOptions options;
  options.days = days;
  options.regions = regions;
  options.objects_per_data_set = 2000;  // ~10,000 objects over the 5 data sets.
  options.ips_per_subscriber = 500;     // ~6,000 source IPs over the 12 subscribers.
  // Records are ~1.25 per qualifying event (noise); at most one object per region a day.
  double wanted = std::max(static_cast<double>(events), 0.8 * records_per_object * days * regions);
  // Qualifying events per requested event a day: ~1.02 a day, a bulk download (+75% of a day,
  // at most ~36,000 events) and, over longer periods, a burst of failures (+25%) and a second download.
  int downloads = days >= 12 ? 2 : 1;
  double per_day = 1.02 * days + (days >= 8 ? 0.25 : 0);
  double events_per_day = wanted / (per_day + 0.75 * downloads);
  if (0.75 * events_per_day > 36000) events_per_day = (wanted - 36000.0 * downloads) / per_day;
  options.events_per_day = static_cast<int>(std::max(events_per_day, 1.0) + 0.5);
  // The divisor of a day whose window holds records_per_object in each region, on average.
  double windows = 1.25 * wanted / (static_cast<double>(days) * regions * records_per_object);
  double ideal = 86400 / std::max(windows, 1.0);
  int best = 86400;
  for (int window = 1; window <= 86400; ++window) {
    if (86400 % window == 0 && std::abs(std::log(window / ideal)) < std::abs(std::log(best / ideal))) best = window;
  }
  options.window_seconds = best;
  return options;
}

Result<Bucket> EnsureBucket(const fs::path& dir, GenerateOptions options) {
  json params = OptionsJson(options);
  if (auto stamp = MatchingStamp(dir / kStampName, params)) return Bucket{dir, SummaryFromJson((*stamp)["summary"])};
  std::printf("  generating %s (%d days x %d events/day, %d region(s), %d s windows) ...\n",
              dir.string().c_str(), options.days, options.events_per_day, options.regions, options.window_seconds);
  std::fflush(stdout);
  ADXM_RETURN_IF_ERROR(RemoveAll(dir));
  options.out = dir;
  ADXM_ASSIGN_OR_RETURN(GenerateSummary summary, Generate(options));
  json stamp = {{"params", params}, {"summary", SummaryJson(summary)}};
  ADXM_RETURN_IF_ERROR(WriteFileAtomic(dir / kStampName, stamp.dump(2)));
  return Bucket{dir, summary};
}

Result<fs::path> EnsureQueryWarehouse(const BenchContext& context, const fs::path& dir,
                                      unsigned long long events) {
  // The stamp lives beside the warehouse, whose directory holds only the dataset.
  fs::path stamp_path = dir.string() + "." + kStampName;
  // "model" 2: a GetObject transfers its object's size (as in src/generate), not a random count.
  json params = {{"events", events}, {"days", 90}, {"model", 2}};
  if (MatchingStamp(stamp_path, params)) return dir;
  std::printf("  synthesizing %s (%s rows, 90 days; takes a minute or two) ...\n", dir.string().c_str(),
              Thousands(events).c_str());
  std::fflush(stdout);
  ADXM_RETURN_IF_ERROR(RemoveAll(dir));
  ADXM_RETURN_IF_ERROR(RemoveAll(stamp_path));
  ADXM_ASSIGN_OR_RETURN(ProcessResult run, RunChecked({context.Program("adxm_bench_query").string(), "synth",
                                                       "--warehouse", dir.string(), "--events",
                                                       std::to_string(events), "--days", "90"},
                                                      context.stderr_log()));
  json stamp = {{"params", params}, {"synth", run.out}};
  ADXM_RETURN_IF_ERROR(WriteFileAtomic(stamp_path, stamp.dump(2)));
  return dir;
}

}  // namespace adxm

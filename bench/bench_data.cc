#include "bench/bench_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "base/file_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStampName = "bench_stamp.json";

json OptionsJson(const GenerateOptions& options) {
  return {{"seed", options.seed}, {"start", options.start}, {"days", options.days},
          {"events_per_day", options.events_per_day}, {"subscribers", options.subscribers}};
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

Result<Bucket> EnsureBucket(const fs::path& dir, GenerateOptions options) {
  json params = OptionsJson(options);
  if (auto stamp = MatchingStamp(dir / kStampName, params)) return Bucket{dir, SummaryFromJson((*stamp)["summary"])};
  std::printf("  generating %s (%d days x %d events/day) ...\n", dir.string().c_str(), options.days,
              options.events_per_day);
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

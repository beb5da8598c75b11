#include "generate/generator.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "base/file_util.h"
#include "generate/digest_writer.h"
#include "generate/event_model.h"
#include "generate/ground_truth.h"
#include "generate/log_writer.h"
#include "generate/time_text.h"
#include "generate/world.h"

namespace adxm {
namespace {

Status CheckRange(std::string_view name, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return Status::OK();
  return Status::InvalidArgument(
      fmt::format("generate: {} must be between {} and {}, got {}", name, lo, hi, value));
}

/// Validate `options`; on success set `first_day` (days since the epoch).
Status Validate(const GenerateOptions& options, int64_t* first_day) {
  if (options.out.empty())
    return Status::InvalidArgument("generate: an output directory is required");
  if (!ParseIsoDate(options.start, first_day)) {
    return Status::InvalidArgument(
        fmt::format("generate: start '{}' is not a valid YYYY-MM-DD date", options.start));
  }
  ADXM_RETURN_IF_ERROR(CheckRange("days", options.days, 1, 3660));
  ADXM_RETURN_IF_ERROR(CheckRange("events per day", options.events_per_day, 1, 10'000'000));
  ADXM_RETURN_IF_ERROR(CheckRange("subscribers", options.subscribers, 1, 100'000));
  ADXM_RETURN_IF_ERROR(CheckRange("threads", options.threads, 1, 64));
  ADXM_RETURN_IF_ERROR(CheckRange("regions", options.regions, 1, kMaxRegions));
  ADXM_RETURN_IF_ERROR(CheckRange("window seconds", options.window_seconds, 1, kSecondsPerDay));
  if (kSecondsPerDay % options.window_seconds != 0) {
    return Status::InvalidArgument(fmt::format(
        "generate: window seconds must divide a day (86400 s), got {}", options.window_seconds));
  }
  ADXM_RETURN_IF_ERROR(CheckRange("objects per data set", options.objects_per_data_set, 0, 1'000'000));
  ADXM_RETURN_IF_ERROR(CheckRange("IPs per subscriber", options.ips_per_subscriber, 0, 100'000));
  if (ToCivil((*first_day + options.days) * kSecondsPerDay).year > 9999) {
    return Status::InvalidArgument("generate: the period must end before year 10000");
  }
  std::error_code ec;
  if (std::filesystem::exists(options.out, ec) && !std::filesystem::is_empty(options.out, ec)) {
    return Status::AlreadyExists(options.out.string() +
                                 ": output directory is not empty; generate writes a fresh bucket");
  }
  return Status::OK();
}

/// Everything shared by the workers of one run.
struct Run {
  Run(const GenerateOptions& options_in, int64_t first_day_in, const World& world_in,
      const EventModel& model_in, GroundTruth* truth_in)
      : options(options_in),
        first_day(first_day_in),
        world(world_in),
        model(model_in),
        truth(truth_in),
        deliveries(options_in.days),
        statuses(options_in.days) {}

  const GenerateOptions& options;
  int64_t first_day;
  const World& world;
  const EventModel& model;
  GroundTruth* truth;
  std::mutex truth_mutex;               // Guards *truth.
  std::vector<DayDelivery> deliveries;  // Per day.
  std::vector<Status> statuses;         // Per day.
  std::atomic<int> next_day{0};
  std::atomic<bool> failed{false};
};

/// Generate and deliver days until none are left; each day is independent of the others.
void Worker(Run* run) {
  LogWriter logs(run->world, run->options.out, run->options.seed, run->options.window_seconds);
  std::vector<Event> events;
  for (int day = run->next_day++; day < run->options.days && !run->failed; day = run->next_day++) {
    int64_t day_start = (run->first_day + day) * kSecondsPerDay;
    run->model.GenerateDay(day, day_start, &events);
    {
      std::lock_guard<std::mutex> lock(run->truth_mutex);
      run->truth->AddDay(day_start, events);  // Counts only: the order of days does not matter.
    }
    run->statuses[day] = logs.WriteDay(day, day_start, events, &run->deliveries[day]);
    if (!run->statuses[day].ok()) run->failed = true;
  }
}

}  // namespace

Result<GenerateSummary> Generate(const GenerateOptions& options) {
  int64_t first_day = 0;
  ADXM_RETURN_IF_ERROR(Validate(options, &first_day));
  ADXM_RETURN_IF_ERROR(CreateDirs(options.out));
  World world = BuildWorld(options);
  EventModel model(world, options.seed, options.events_per_day);
  GroundTruth truth(world);
  Run run(options, first_day, world, model, &truth);
  std::vector<std::thread> threads;
  for (int idx = 1; idx < options.threads; ++idx) threads.emplace_back(Worker, &run);
  Worker(&run);
  for (std::thread& thread : threads) thread.join();

  // Merge in day order so that digests (and everything else) do not depend on scheduling.
  DeliveryStats stats;
  DigestWriter digests(world, options.seed);
  for (int day = 0; day < options.days; ++day) {
    ADXM_RETURN_IF_ERROR(run.statuses[day]);
    stats.Add(run.deliveries[day].stats);
    for (DigestItem& item : run.deliveries[day].digests) {
      digests.Add(item.region, item.delivery_time, std::move(item.entry));
    }
  }
  GzipFileWriter gzip(/*level=*/6);
  ADXM_ASSIGN_OR_RETURN(int digest_files, digests.WriteAll(options.out, &gzip));
  stats.digest_files = static_cast<uint64_t>(digest_files);
  ADXM_RETURN_IF_ERROR(
      WriteFile(options.out / "ground_truth.json", truth.ToJson(options, stats), /*sync=*/false));

  GenerateSummary summary;
  summary.files = stats.files;
  summary.qualifying_events = truth.qualifying_events();
  summary.noise_events = truth.noise_events();
  summary.duplicate_deliveries = stats.duplicate_deliveries;
  summary.late_files = stats.late_files;
  summary.json_bytes = stats.json_bytes;
  summary.gz_bytes = stats.gz_bytes;
  summary.digest_files = stats.digest_files;
  return summary;
}

}  // namespace adxm

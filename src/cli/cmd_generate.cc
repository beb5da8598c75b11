#include <cstdio>
#include <memory>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "generate/generator.h"

namespace adxm {

std::function<int()> SetupGenerate(CLI::App* app) {
  auto options = std::make_shared<GenerateOptions>();
  auto out = std::make_shared<std::string>();
  app->add_option("--out", *out, "Directory to write the bucket into (AWSLogs/... and ground_truth.json)")
      ->required();
  app->add_option("--seed", options->seed, "Random seed; the same seed writes the same bytes");
  app->add_option("--start", options->start, "First day, YYYY-MM-DD (UTC)");
  app->add_option("--days", options->days, "Number of days")->check(CLI::Range(1, 3660));
  app->add_option("--events-per-day", options->events_per_day, "Qualifying (ADX) events per day")
      ->check(CLI::Range(1, 100000000));
  app->add_option("--subscribers", options->subscribers, "Number of subscriber accounts")
      ->check(CLI::Range(1, 100000));
  app->add_option("--regions", options->regions, "Regions with data (1-3); with 1 everything is in us-east-1")
      ->check(CLI::Range(1, 3));
  app->add_option("--window-seconds", options->window_seconds,
                  "Seconds of events per log file and region (divides 86400; larger makes bigger objects)")
      ->check(CLI::Range(1, 86400));
  app->add_option("--objects-per-data-set", options->objects_per_data_set,
                  "Extra objects per data set beside its ~100 (thousands of distinct keys)")
      ->check(CLI::Range(0, 1000000));
  app->add_option("--ips-per-subscriber", options->ips_per_subscriber,
                  "Source IPs per subscriber (0: 1-3 stable ones; N: a fleet of N)")
      ->check(CLI::Range(0, 100000));
  return [options, out]() -> int {
    options->out = *out;
    auto summary = Generate(*options);
    if (!summary.ok()) {
      return summary.status().code() == StatusCode::kInvalidArgument ? UsageFail(summary.status().message())
                                                                      : Fail(summary.status());
    }
    std::printf("wrote %llu log files (%llu late), %llu qualifying events (+%llu noise, %llu delivered twice)\n"
                "      %.1f MB JSON, %.1f MB gzip, ground truth in %s/ground_truth.json\n",
                static_cast<unsigned long long>(summary->files), static_cast<unsigned long long>(summary->late_files),
                static_cast<unsigned long long>(summary->qualifying_events),
                static_cast<unsigned long long>(summary->noise_events),
                static_cast<unsigned long long>(summary->duplicate_deliveries), summary->json_bytes / 1e6,
                summary->gz_bytes / 1e6, out->c_str());
    return kExitOk;
  };
}

}  // namespace adxm

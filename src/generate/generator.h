// generate: a realistic synthetic CloudTrail bucket (S3 data events of AWS Data Exchange for S3
// subscribers, plus the noise and delivery quirks of a real trail) and its ground truth — the
// answers the curated dataset must give, computed from the generator's own event model.
//
// Output is a pure function of the options: the same options and seed give byte-identical files.
// Thread-safety: Generate may run concurrently for different output directories; it uses
// `threads` worker threads itself.
// Example:
//   GenerateOptions options;
//   options.out = "/tmp/bucket";
//   ADXM_ASSIGN_OR_RETURN(GenerateSummary summary, Generate(options));
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/status.h"

namespace adxm {

/// What to generate.
struct GenerateOptions {
  std::filesystem::path out;         // Output directory (absent or empty): logs under out/AWSLogs/,
                                     // ground truth at out/ground_truth.json.
  uint64_t seed = 42;                // Seed of every random choice.
  std::string start = "2023-05-01";  // First day (UTC), YYYY-MM-DD.
  int days = 31;                     // Number of days, 1..3660.
  int events_per_day = 3000;         // Qualifying (ADX) events per day (±2%), before noise and
                                     // duplicates; a subscriber's bulk-download day adds more.
  int subscribers = 12;              // Subscriber accounts, 1..100000.
  int regions = 3;                   // Regions with data, 1..3 (us-east-1, us-west-2, eu-west-1):
                                     // a data set of a region left out lives in the last one kept.
  int window_seconds = 300;          // Delivery window of a log file per region, 1..86400, dividing
                                     // a day: larger windows make fewer, larger log objects.
  int objects_per_data_set = 0;      // Extra objects per ADX data set, 0..1000000, beside its
                                     // ~100 dated parts and reference files (thousands of keys).
  int ips_per_subscriber = 0;        // 0: each subscriber calls from 1-3 stable IPs; N (1..100000):
                                     // from a fleet of N addresses, each call from any of them.
  int threads = 2;  // Days generated in parallel, 1..64; output does not depend on it.
};

/// What was generated.
struct GenerateSummary {
  uint64_t files = 0;                 // Log files (digests excluded).
  uint64_t qualifying_events = 0;     // Unique qualifying events.
  uint64_t noise_events = 0;          // Unique records that do not qualify.
  uint64_t duplicate_deliveries = 0;  // Extra copies of records delivered twice.
  uint64_t late_files = 0;            // Log files delivered a day or more late.
  uint64_t json_bytes = 0;            // Uncompressed JSON of the log files.
  uint64_t gz_bytes = 0;              // Compressed size of the log files.
  uint64_t digest_files = 0;          // CloudTrail-Digest files.
};

/// Generate the bucket and its ground truth described by `options` (validated first:
/// InvalidArgument names the bad option; AlreadyExists if `out` is not empty).
Result<GenerateSummary> Generate(const GenerateOptions& options);

}  // namespace adxm

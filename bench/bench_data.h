// The bench driver's inputs, generated once and cached in the work directory.
//
// A bucket is made by the project's generator (src/generate) and stamped with the options that
// made it and the generator's summary (bench_bucket.json); a later run with the same options
// reuses it, different options regenerate it. The query dataset is synthesized by
// adxm_bench_query and stamped the same way.
//
// Thread-safety: none.
// Example:
//   ADXM_ASSIGN_OR_RETURN(Bucket bucket, EnsureBucket(context.work / "bucket-200000", options));
//   std::printf("%llu qualifying events\n", bucket.summary.qualifying_events);
#pragma once

#include <filesystem>

#include "base/status.h"
#include "bench/bench_util.h"
#include "generate/generator.h"

namespace adxm {

/// A generated bucket ready to ingest.
struct Bucket {
  std::filesystem::path root;  // Holds AWSLogs/ and ground_truth.json.
  GenerateSummary summary;     // What the generator wrote.
};

/// Return generator options for a "bulk" bucket of about `events` qualifying events over 3 days
/// (one log file per region per 5 minutes: ~100 records per file at 200k events, ~1,000 at 2M).
GenerateOptions BulkBucketOptions(unsigned long long events);

/// Return generator options for a bucket of about 20,000 small log objects (31 days, ~4 records
/// per file).
GenerateOptions SmallFilesBucketOptions();

/// Return generator options for a matrix bucket of about `events` qualifying events over `days`
/// days in `regions` regions with about `records_per_object` records per log object (the delivery
/// window chosen to fit), thousands of distinct objects and source IPs. Where a day-long window
/// per region cannot hold that many records, the events grow until it can.
GenerateOptions MatrixBucketOptions(unsigned long long events, int days, int regions, int records_per_object);

/// Return the bucket generated at `dir` with `options` (`options.out` is ignored), generating it
/// first unless `dir` holds one made with the same options.
Result<Bucket> EnsureBucket(const std::filesystem::path& dir, GenerateOptions options);

/// Return the warehouse at `dir` holding `events` synthetic rows over 90 days, synthesizing it
/// first (through adxm_bench_query synth) unless `dir` holds one made with the same parameters.
Result<std::filesystem::path> EnsureQueryWarehouse(const BenchContext& context, const std::filesystem::path& dir,
                                                   unsigned long long events);

}  // namespace adxm

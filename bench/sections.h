// The bench driver's sections; each prints its own tables and target verdicts.
//
// Thread-safety: none; run one section at a time (they measure the whole machine).
// Example:
//   ADXM_ASSIGN_OR_RETURN(IngestFigures figures, RunIngestBench(context, 200000));
//   ADXM_RETURN_IF_ERROR(RunSmallFilesBench(context));
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "bench/bench_util.h"

namespace adxm {

/// What the ingest section measured for one bucket size, for the RSS flatness summary.
struct IngestFigures {
  unsigned long long events = 0;  // Qualifying events in the bucket.
  double rss_mb[2] = {0, 0};      // Peak RSS of adxmetrics ingest at 1 and 2 threads.
  double seconds[2] = {0, 0};     // Median wall time at 1 and 2 threads.
};

/// Ingest (1 and 2 threads) vs the DuckDB baseline vs the floor on a bulk bucket of ~`events`.
Result<IngestFigures> RunIngestBench(const BenchContext& context, unsigned long long events);

/// Print how peak RSS and time grow across bucket sizes (needs two or more sizes).
void PrintIngestScaling(const std::vector<IngestFigures>& sizes);

/// Ingest alone (1 and 2 threads) on a bucket of ~`events` spread over more days at the daily
/// volume (and log object size) of the `base_events` bucket: memory should match that bucket's.
Result<IngestFigures> RunLongBucketBench(const BenchContext& context, unsigned long long base_events,
                                         unsigned long long events);

/// Days of the long bucket: the base bucket's days times events / base_events.
int LongBucketDays(unsigned long long base_events, unsigned long long events);

/// Compare the long bucket's peak RSS with the base bucket's.
void PrintLongBucketScaling(const IngestFigures& base, const IngestFigures& long_bucket, int days);

/// What the matrix runs.
struct MatrixOptions {
  unsigned long long events = 50000;  // Qualifying events per cell (about).
  int runs = 3;                       // Runs per measurement (median reported).
  std::vector<std::string> cells;     // Only these cells, named like "100r-30d-3g"; empty: all 16.
};

/// The ingest matrix: ingest vs the floor vs the full and sample-columns DuckDB baselines, 1 and 2
/// threads, on buckets of ~options.events qualifying events across object sizes, days and regions
/// (and, with context.compare, another build's ingest in the same round-robin).
Status RunMatrixBench(const BenchContext& context, const MatrixOptions& options);

/// Print whether ingest's peak RSS at 2 threads stays within 128 MB across `sizes` and, when given
/// (events > 0), the long bucket of `days` days.
void PrintRssVerdicts(const std::vector<IngestFigures>& sizes, const IngestFigures& long_bucket, int days);

/// Ingest of ~20,000 small objects, a no-op rerun, and manifest lookups at 20k vs 200k objects.
Status RunSmallFilesBench(const BenchContext& context);

/// Query latencies on a synthetic 10M-event dataset, and partition pruning.
Status RunQueryBench(const BenchContext& context);

/// Every usage report's latency on the query section's 10M-event dataset (process and in-process).
Status RunReportBench(const BenchContext& context);

}  // namespace adxm

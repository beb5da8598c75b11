// The programs the ingest sections race on one bucket, and their interleaved measurement.
//
// A contender is one program at one thread count: adxmetrics ingest, the DuckDB baseline (the
// full curated table, or the AWS sample's columns only) or the floor. MeasureAll runs them
// round-robin, `runs` times each, so machine noise spreads evenly over all of them.
//
// Thread-safety: none.
// Example:
//   std::vector<Contender> contenders = MakeContenders(context, bucket, {Kind::kIngest, Kind::kFloor});
//   ADXM_RETURN_IF_ERROR(MeasureAll(context, context.runs, &contenders));
//   double ratio = Find(contenders, Kind::kIngest, 1).samples.MedianSeconds() /
//                  Find(contenders, Kind::kFloor, 1).samples.MedianSeconds();
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "bench/bench_data.h"
#include "bench/bench_util.h"

namespace adxm {

/// What a contender runs.
enum class Kind { kIngest, kBaseline, kBaselineSample, kFloor, kIngestCompare };

/// One measured program configuration.
struct Contender {
  Kind kind;
  int threads;
  std::vector<std::string> argv;
  std::filesystem::path out;    // Output removed before each run (empty: writes nothing).
  Samples samples;
  unsigned long long rows = 0;  // Rows reported by the last run.
};

/// Return the name a table shows for `kind`.
std::string KindName(Kind kind);

/// Return `kinds` at 1 and 2 threads on `bucket`, writing under <work>/out. kIngestCompare runs
/// context.compare in place of context.adxmetrics.
std::vector<Contender> MakeContenders(const BenchContext& context, const Bucket& bucket,
                                      const std::vector<Kind>& kinds);

/// Run every contender `runs` times, round-robin so machine noise spreads evenly (an ingest and a
/// kIngestCompare at the same thread count trade places every second run).
Status MeasureAll(const BenchContext& context, int runs, std::vector<Contender>* contenders);

/// Return the contender of `kind` at `threads` (the first one if there is none).
const Contender& Find(const std::vector<Contender>& contenders, Kind kind, int threads);

}  // namespace adxm

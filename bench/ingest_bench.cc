// Section 1: ingest vs the DuckDB baseline vs the floor, on a bulk bucket.
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "base/file_util.h"
#include "bench/bench_data.h"
#include "bench/contenders.h"
#include "bench/sections.h"

namespace adxm {
namespace {

void PrintTimes(const std::vector<Contender>& contenders, const Bucket& bucket) {
  double events = static_cast<double>(bucket.summary.qualifying_events);
  double json_mb = static_cast<double>(bucket.summary.json_bytes) / 1e6;
  Table table({"program", "threads", "median s", "min s", "CPU s", "events/s", "JSON MB/s", "peak RSS MB", "rows"});
  for (Kind kind : {Kind::kIngest, Kind::kBaseline, Kind::kFloor}) {
    for (int threads : {1, 2}) {
      const Contender& contender = Find(contenders, kind, threads);
      double median = contender.samples.MedianSeconds();
      table.AddRow({KindName(kind), std::to_string(threads), Fixed(median, 3), Fixed(contender.samples.MinSeconds(), 3),
                    Fixed(contender.samples.MedianCpuSeconds(), 2),
                    Thousands(static_cast<unsigned long long>(events / median)), Fixed(json_mb / median, 0),
                    Fixed(contender.samples.PeakRssMb(), 0), Thousands(contender.rows)});
    }
  }
  table.Print();
}

/// A ratio of two contenders' times: from medians (judged) and from best runs (least disturbed).
struct Ratio {
  double median;
  double best;
};

Ratio TimeRatio(const Contender& numerator, const Contender& denominator) {
  return {numerator.samples.MedianSeconds() / denominator.samples.MedianSeconds(),
          numerator.samples.MinSeconds() / denominator.samples.MinSeconds()};
}

void PrintRatio(const char* label, Ratio ratio, double target, bool at_least) {
  std::string judged = target > 0 ? Verdict(ratio.median, target, at_least) : Fixed(ratio.median, 2) + "x  (no target)";
  std::printf("  %-48s %-36s best runs: %.2fx\n", label, judged.c_str(), ratio.best);
}

void PrintRatios(const std::vector<Contender>& contenders) {
  auto get = [&](Kind kind, int threads) -> const Contender& { return Find(contenders, kind, threads); };
  PrintRatio("ingest speed-up vs DuckDB baseline, 1 thread:", TimeRatio(get(Kind::kBaseline, 1), get(Kind::kIngest, 1)),
             5, true);
  PrintRatio("ingest speed-up vs DuckDB baseline, 2 threads:",
             TimeRatio(get(Kind::kBaseline, 2), get(Kind::kIngest, 2)), 5, true);
  PrintRatio("ingest time / floor time, 1 thread:", TimeRatio(get(Kind::kIngest, 1), get(Kind::kFloor, 1)), 2, false);
  PrintRatio("ingest time / floor time, 2 threads:", TimeRatio(get(Kind::kIngest, 2), get(Kind::kFloor, 2)), 0, false);
  PrintRatio("1 -> 2 threads speed-up, ingest:", TimeRatio(get(Kind::kIngest, 1), get(Kind::kIngest, 2)), 1.7, true);
  PrintRatio("1 -> 2 threads speed-up, baseline:", TimeRatio(get(Kind::kBaseline, 1), get(Kind::kBaseline, 2)), 0, true);
  // The floor shares nothing between threads: if it does not speed up, the second core was busy.
  PrintRatio("1 -> 2 threads speed-up, floor (machine check):", TimeRatio(get(Kind::kFloor, 1), get(Kind::kFloor, 2)),
             0, true);
  for (int threads : {1, 2}) {
    double cpu_ratio = get(Kind::kBaseline, threads).samples.MedianCpuSeconds() /
                       get(Kind::kIngest, threads).samples.MedianCpuSeconds();
    std::string label = "CPU time, baseline / ingest, " + std::to_string(threads) + (threads == 1 ? " thread:" : " threads:");
    std::printf("  %-48s %.2fx  (steadier than wall time on a busy machine)\n", label.c_str(), cpu_ratio);
  }
  for (int threads : {1, 2}) {
    std::string label = "ingest peak RSS, " + std::to_string(threads) + (threads == 1 ? " thread:" : " threads:");
    std::printf("  %-48s %s\n", label.c_str(),
                Verdict(get(Kind::kIngest, threads).samples.PeakRssMb(), 256, false, " MB").c_str());
  }
}

/// Check that adxmetrics, the baseline and the ground truth agree on the row count.
void PrintRowCheck(const std::vector<Contender>& contenders, const Bucket& bucket) {
  unsigned long long expected = bucket.summary.qualifying_events;
  bool agree = true;
  for (const Contender& contender : contenders) {
    if (contender.kind != Kind::kFloor && contender.rows != expected) agree = false;
  }
  std::printf("  rows: adxmetrics %s, baseline %s, ground truth %s  %s\n",
              Thousands(Find(contenders, Kind::kIngest, 1).rows).c_str(),
              Thousands(Find(contenders, Kind::kBaseline, 1).rows).c_str(), Thousands(expected).c_str(),
              agree ? "(agree)" : "");
  if (!agree) {
    std::printf("  !!!!! WARNING: ROW COUNTS DIFFER: the comparison is not like for like !!!!!\n");
  }
  std::printf("  (the floor's rows are qualifying records before eventID dedup)\n");
}

}  // namespace

Result<IngestFigures> RunIngestBench(const BenchContext& context, unsigned long long events) {
  PrintSection("Ingest: bulk bucket of ~" + Thousands(events) + " qualifying events");
  ADXM_ASSIGN_OR_RETURN(Bucket bucket, EnsureBucket(context.work / ("bucket-" + std::to_string(events)),
                                                    BulkBucketOptions(events)));
  const GenerateSummary& summary = bucket.summary;
  std::printf("  bucket: %s log objects, %s qualifying + %s other records, %.1f MB JSON, %.1f MB gzip; median of %d runs\n",
              Thousands(summary.files).c_str(), Thousands(summary.qualifying_events).c_str(),
              Thousands(summary.noise_events + summary.duplicate_deliveries).c_str(), summary.json_bytes / 1e6,
              summary.gz_bytes / 1e6, context.runs);
  std::vector<Contender> contenders = MakeContenders(context, bucket, {Kind::kIngest, Kind::kBaseline, Kind::kFloor});
  ADXM_RETURN_IF_ERROR(MeasureAll(context, context.runs, &contenders));
  PrintTimes(contenders, bucket);
  PrintRatios(contenders);
  PrintRowCheck(contenders, bucket);
  IngestFigures figures;
  figures.events = summary.qualifying_events;
  for (int threads : {1, 2}) {
    const Contender& ingest = Find(contenders, Kind::kIngest, threads);
    figures.rss_mb[threads - 1] = ingest.samples.PeakRssMb();
    figures.seconds[threads - 1] = ingest.samples.MedianSeconds();
  }
  return figures;
}

int LongBucketDays(unsigned long long base_events, unsigned long long events) {
  return static_cast<int>(BulkBucketOptions(base_events).days * std::max(1ull, events / base_events));
}

Result<IngestFigures> RunLongBucketBench(const BenchContext& context, unsigned long long base_events,
                                         unsigned long long events) {
  GenerateOptions options = BulkBucketOptions(base_events);
  options.days = LongBucketDays(base_events, events);
  PrintSection("Ingest: ~" + Thousands(events) + " qualifying events over " + std::to_string(options.days) +
               " days (the daily volume of the ~" + Thousands(base_events) + " bucket)");
  ADXM_ASSIGN_OR_RETURN(Bucket bucket,
                        EnsureBucket(context.work / ("bucket-" + std::to_string(events) + "-" +
                                                     std::to_string(options.days) + "d"),
                                     options));
  const GenerateSummary& summary = bucket.summary;
  std::printf("  bucket: %s log objects, %s qualifying events, %.1f MB JSON; median of %d runs\n",
              Thousands(summary.files).c_str(), Thousands(summary.qualifying_events).c_str(),
              summary.json_bytes / 1e6, context.runs);
  std::vector<Contender> contenders = MakeContenders(context, bucket, {Kind::kIngest});
  ADXM_RETURN_IF_ERROR(MeasureAll(context, context.runs, &contenders));
  IngestFigures figures;
  figures.events = summary.qualifying_events;
  Table table({"program", "threads", "median s", "min s", "CPU s", "events/s", "peak RSS MB", "rows"});
  for (const Contender& ingest : contenders) {
    figures.rss_mb[ingest.threads - 1] = ingest.samples.PeakRssMb();
    figures.seconds[ingest.threads - 1] = ingest.samples.MedianSeconds();
    table.AddRow({KindName(ingest.kind), std::to_string(ingest.threads), Fixed(ingest.samples.MedianSeconds(), 3),
                  Fixed(ingest.samples.MinSeconds(), 3), Fixed(ingest.samples.MedianCpuSeconds(), 2),
                  Thousands(static_cast<unsigned long long>(figures.events / ingest.samples.MedianSeconds())),
                  Fixed(ingest.samples.PeakRssMb(), 0), Thousands(ingest.rows)});
    if (ingest.rows != figures.events) {
      std::printf("  !!!!! WARNING: %d thread(s) wrote %s rows, ground truth %s !!!!!\n", ingest.threads,
                  Thousands(ingest.rows).c_str(), Thousands(figures.events).c_str());
    }
  }
  table.Print();
  return figures;
}

void PrintLongBucketScaling(const IngestFigures& base, const IngestFigures& long_bucket, int days) {
  for (int threads : {1, 2}) {
    std::printf("  RSS growth %s -> %s events at one daily volume (%d days), %d thread(s): %.0f -> %.0f MB, %.2fx for %.1fx the data\n",
                Thousands(base.events).c_str(), Thousands(long_bucket.events).c_str(), days, threads,
                base.rss_mb[threads - 1], long_bucket.rss_mb[threads - 1],
                long_bucket.rss_mb[threads - 1] / base.rss_mb[threads - 1],
                static_cast<double>(long_bucket.events) / static_cast<double>(base.events));
  }
}

void PrintRssVerdicts(const std::vector<IngestFigures>& sizes, const IngestFigures& long_bucket, int days) {
  PrintSection("Ingest memory at 2 threads (target: peak RSS <= 128 MB at every size and period)");
  std::vector<std::pair<std::string, const IngestFigures*>> runs;
  for (const IngestFigures& size : sizes) runs.push_back({Thousands(size.events) + " events, 3 days", &size});
  if (long_bucket.events > 0) {
    runs.push_back({Thousands(long_bucket.events) + " events, " + std::to_string(days) + " days", &long_bucket});
  }
  for (const auto& [label, figures] : runs) {
    std::printf("  %-36s %s\n", (label + ":").c_str(), Verdict(figures->rss_mb[1], 128, false, " MB").c_str());
  }
}

void PrintIngestScaling(const std::vector<IngestFigures>& sizes) {
  if (sizes.size() < 2) return;
  PrintSection("Ingest scaling across bucket sizes (peak RSS should stay nearly flat)");
  Table table({"events", "1 thread s", "1 thread RSS MB", "2 threads s", "2 threads RSS MB"});
  for (const IngestFigures& size : sizes) {
    table.AddRow({Thousands(size.events), Fixed(size.seconds[0], 2), Fixed(size.rss_mb[0], 0),
                  Fixed(size.seconds[1], 2), Fixed(size.rss_mb[1], 0)});
  }
  table.Print();
  for (int threads : {1, 2}) {
    double growth = sizes.back().rss_mb[threads - 1] / sizes.front().rss_mb[threads - 1];
    std::printf("  RSS growth %s -> %s events, %d thread(s): %.2fx for %.1fx the data\n",
                Thousands(sizes.front().events).c_str(), Thousands(sizes.back().events).c_str(), threads, growth,
                static_cast<double>(sizes.back().events) / static_cast<double>(sizes.front().events));
  }
}

}  // namespace adxm

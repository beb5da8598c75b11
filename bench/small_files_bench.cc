// Section 2: many small log objects, a no-op rerun, and the manifest with years of history.
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "bench/bench_data.h"
#include "bench/sections.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

/// Return "objects: N new, M already ingested" of an ingest report as {N, M}.
std::pair<unsigned long long, unsigned long long> ObjectCounts(const std::string& out) {
  unsigned long long fresh = 0, skipped = 0;
  size_t pos = out.find("objects:");
  if (pos != std::string::npos) std::sscanf(out.c_str() + pos, "objects: %llu new, %llu", &fresh, &skipped);
  return {fresh, skipped};
}

std::vector<std::string> IngestArgv(const BenchContext& context, const Bucket& bucket, const fs::path& warehouse,
                                    int threads) {
  return {context.adxmetrics.string(), "ingest", "--source", bucket.root.string(), "--warehouse",
          warehouse.string(), "--threads", std::to_string(threads)};
}

/// Fresh ingests at 1 and 2 threads (round-robin), then no-op reruns over the last warehouse.
Status MeasureIngest(const BenchContext& context, const Bucket& bucket) {
  fs::path warehouse = context.work / "out" / "warehouse";
  Samples fresh[2], noop;
  unsigned long long objects = 0, skipped = 0;
  for (int run = 0; run < context.runs; ++run) {
    for (int threads : {1, 2}) {
      ADXM_RETURN_IF_ERROR(RemoveAll(warehouse));
      ADXM_ASSIGN_OR_RETURN(ProcessResult result, RunChecked(IngestArgv(context, bucket, warehouse, threads),
                                                             context.stderr_log()));
      fresh[threads - 1].Add(result);
      objects = ObjectCounts(result.out).first;
    }
  }
  for (int run = 0; run < context.runs; ++run) {
    ADXM_ASSIGN_OR_RETURN(ProcessResult result, RunChecked(IngestArgv(context, bucket, warehouse, 2),
                                                           context.stderr_log()));
    noop.Add(result);
    skipped = ObjectCounts(result.out).second;
  }
  Table table({"run", "threads", "median s", "min s", "objects/s", "peak RSS MB"});
  for (int threads : {1, 2}) {
    const Samples& samples = fresh[threads - 1];
    table.AddRow({"fresh ingest of " + Thousands(objects) + " objects", std::to_string(threads),
                  Fixed(samples.MedianSeconds(), 3), Fixed(samples.MinSeconds(), 3),
                  Thousands(static_cast<unsigned long long>(objects / samples.MedianSeconds())),
                  Fixed(samples.PeakRssMb(), 0)});
  }
  table.AddRow({"no-op rerun (" + Thousands(skipped) + " already ingested)", "2", Fixed(noop.MedianSeconds(), 3),
                Fixed(noop.MinSeconds(), 3), Thousands(static_cast<unsigned long long>(skipped / noop.MedianSeconds())),
                Fixed(noop.PeakRssMb(), 0)});
  table.Print();
  for (int threads : {1, 2}) {
    std::printf("  small objects/s, %d thread%s: %s\n", threads, threads == 1 ? " " : "s",
                Verdict(objects / fresh[threads - 1].MedianSeconds(), 2000, true, " /s").c_str());
  }
  return Status::OK();
}

/// Manifest figures with one history size: medians over the runs.
struct ManifestFigures {
  double objects = 0, open_ms = 0, engine_open_ms = 0, lookup_new_ms = 0, lookup_all_ms = 0, index_mb = 0;
  double query_ms = 0, query_mib = 0, ingest_ms = 0, ingest_mib = 0;
};

// Build (once) a warehouse with `objects` processed objects in history and measure: the manifest
// in-process, `query` as a process, and an ingest of `fresh` (~300 new log objects) into a copy.
Result<ManifestFigures> MeasureManifest(const BenchContext& context, unsigned long long objects,
                                        const std::filesystem::path& fresh) {
  const auto warehouse = context.work / ("manifest-" + std::to_string(objects));
  std::vector<double> open_ms, engine_open_ms, lookup_new_ms, lookup_all_ms, query_ms, ingest_ms;
  ManifestFigures figures;
  for (int run = 0; run < context.runs; ++run) {
    ADXM_ASSIGN_OR_RETURN(ProcessResult result,
                          RunChecked({context.Program("adxm_bench_manifest").string(), "--dir", warehouse.string(),
                                      "--objects", std::to_string(objects)},
                                     context.stderr_log()));
    auto values = ParseKeyValues(result.out);
    open_ms.push_back(NumberOf(values, "open_ms"));
    engine_open_ms.push_back(NumberOf(values, "engine_open_ms"));
    lookup_new_ms.push_back(NumberOf(values, "lookup_new_ms"));
    lookup_all_ms.push_back(NumberOf(values, "lookup_all_ms"));
    figures.index_mb = NumberOf(values, "index_bytes") / 1e6;
  }
  for (int run = 0; run < context.query_runs; ++run) {
    ADXM_ASSIGN_OR_RETURN(ProcessResult query,
                          RunChecked({context.adxmetrics.string(), "query", "--warehouse", warehouse.string(),
                                      "SELECT count(*) FROM adx_for_s3_metrics"},
                                     context.stderr_log()));
    query_ms.push_back(query.seconds * 1e3);
    figures.query_mib = std::max(figures.query_mib, query.max_rss_kib / 1024.0);
  }
  for (int run = 0; run < context.runs; ++run) {
    const auto copy = context.work / "manifest-ingest";
    std::filesystem::remove_all(copy);
    std::filesystem::copy(warehouse, copy, std::filesystem::copy_options::recursive);
    ADXM_ASSIGN_OR_RETURN(ProcessResult ingest,
                          RunChecked({context.adxmetrics.string(), "ingest", "--source", fresh.string(), "--warehouse",
                                      copy.string(), "--threads", "2"},
                                     context.stderr_log()));
    ingest_ms.push_back(ingest.seconds * 1e3);
    figures.ingest_mib = std::max(figures.ingest_mib, ingest.max_rss_kib / 1024.0);
    std::filesystem::remove_all(copy);
  }
  figures.objects = static_cast<double>(objects);
  figures.open_ms = Median(open_ms);
  figures.engine_open_ms = Median(engine_open_ms);
  figures.lookup_new_ms = Median(lookup_new_ms);
  figures.lookup_all_ms = Median(lookup_all_ms);
  figures.query_ms = Median(query_ms);
  figures.ingest_ms = Median(ingest_ms);
  return figures;
}

Status MeasureManifests(const BenchContext& context) {
  // ~300 new log objects of one day, as a daily run finds them.
  const auto fresh = context.work / "manifest-fresh-logs";
  if (!std::filesystem::exists(fresh)) {
    ADXM_RETURN_IF_ERROR(RunChecked({context.adxmetrics.string(), "generate", "--out", fresh.string(), "--seed", "9",
                                     "--start", "2023-05-01", "--days", "1", "--events-per-day", "300"},
                                    context.stderr_log())
                             .status());
  }
  std::printf("  manifest with N objects in history (adxm_bench_manifest: 336 log days x 3 regions, one live file a\n"
              "  day; checkpoint + tail); `query` and an ingest of ~300 new objects as processes; medians\n");
  Table table({"objects", "index MB", "open ms", "engine open ms", "lookup 300 ms", "lookup all ms", "query ms", "query MiB",
               "ingest 300 ms", "ingest MiB"});
  std::vector<ManifestFigures> sizes;
  for (unsigned long long objects : {0ull, 200000ull, 2000000ull}) {
    ADXM_ASSIGN_OR_RETURN(ManifestFigures figures, MeasureManifest(context, objects, fresh));
    table.AddRow({Thousands(objects), Fixed(figures.index_mb, 1), Fixed(figures.open_ms, 2), Fixed(figures.engine_open_ms, 1),
                  Fixed(figures.lookup_new_ms, 2), Fixed(figures.lookup_all_ms, 0), Fixed(figures.query_ms, 0),
                  Fixed(figures.query_mib, 0), Fixed(figures.ingest_ms, 0), Fixed(figures.ingest_mib, 0)});
    sizes.push_back(figures);
  }
  table.Print();
  const ManifestFigures& large = sizes.back();
  std::printf("  2M objects: query opens (QueryEngine::Open) in %s; the whole process %s, %s\n",
              Verdict(large.engine_open_ms, 50, false, " ms").c_str(), Verdict(large.query_ms, 50, false, " ms").c_str(),
              Verdict(large.query_mib, 64, false, " MiB").c_str());
  std::printf("  2M objects: ingest of 300 new objects %s, %s\n", Verdict(large.ingest_ms, 1000, false, " ms").c_str(),
              Verdict(large.ingest_mib, 256, false, " MiB").c_str());
  std::printf("  query with 2M vs 0 objects in history: %.2fx time (the history is not read)\n",
              large.query_ms / std::max(sizes.front().query_ms, 1e-9));
  return Status::OK();
}

}  // namespace

Status RunSmallFilesBench(const BenchContext& context) {
  PrintSection("Many small files");
  ADXM_ASSIGN_OR_RETURN(Bucket bucket, EnsureBucket(context.work / "bucket-small-files", SmallFilesBucketOptions()));
  std::printf("  bucket: %s log objects, %s qualifying events, %.1f MB JSON (%.1f KB per object); median of %d runs\n",
              Thousands(bucket.summary.files).c_str(), Thousands(bucket.summary.qualifying_events).c_str(),
              bucket.summary.json_bytes / 1e6, bucket.summary.json_bytes / 1e3 / bucket.summary.files, context.runs);
  ADXM_RETURN_IF_ERROR(MeasureIngest(context, bucket));
  return MeasureManifests(context);
}

}  // namespace adxm

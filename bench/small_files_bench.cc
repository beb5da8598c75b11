// Section 2: many small log objects, a no-op rerun, and manifest lookups as the manifest grows.
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

/// Manifest figures at one size: medians over the runs.
struct ManifestFigures {
  double objects = 0, bytes = 0, load_ms = 0, hit_ns = 0, miss_ns = 0;
};

Result<ManifestFigures> MeasureManifest(const BenchContext& context, unsigned long long objects) {
  std::vector<double> load_ms, hit_ns, miss_ns;
  ManifestFigures figures;
  for (int run = 0; run < context.runs; ++run) {
    ADXM_ASSIGN_OR_RETURN(ProcessResult result,
                          RunChecked({context.Program("adxm_bench_manifest").string(), "--dir",
                                      (context.work / "manifests").string(), "--objects", std::to_string(objects)},
                                     context.stderr_log()));
    auto values = ParseKeyValues(result.out);
    load_ms.push_back(NumberOf(values, "load_ms"));
    hit_ns.push_back(NumberOf(values, "hit_ns"));
    miss_ns.push_back(NumberOf(values, "miss_ns"));
    figures.bytes = NumberOf(values, "bytes");
  }
  figures.objects = static_cast<double>(objects);
  figures.load_ms = Median(load_ms);
  figures.hit_ns = Median(hit_ns);
  figures.miss_ns = Median(miss_ns);
  return figures;
}

Status MeasureManifests(const BenchContext& context) {
  std::printf("  manifest: Manifest::Load + one Contains() per object (in-process, adxm_bench_manifest; median of %d)\n",
              context.runs);
  std::vector<ManifestFigures> sizes;
  for (unsigned long long objects : {20000ull, 200000ull}) {
    ADXM_ASSIGN_OR_RETURN(ManifestFigures figures, MeasureManifest(context, objects));
    sizes.push_back(figures);
  }
  Table table({"objects", "manifest MB", "load ms", "load ns/object", "lookup ns (hit)", "lookup ns (miss)",
               "total ns/object"});
  for (const ManifestFigures& size : sizes) {
    double load_ns = size.load_ms * 1e6 / size.objects;
    table.AddRow({Thousands(static_cast<unsigned long long>(size.objects)), Fixed(size.bytes / 1e6, 1),
                  Fixed(size.load_ms, 1), Fixed(load_ns, 0), Fixed(size.hit_ns, 0), Fixed(size.miss_ns, 0),
                  Fixed(load_ns + size.hit_ns, 0)});
  }
  table.Print();
  auto per_object = [](const ManifestFigures& size) { return size.load_ms * 1e6 / size.objects + size.hit_ns; };
  std::printf("  per-object cost 200k / 20k: %.2fx (O(1) per object would be ~1x)\n",
              per_object(sizes[1]) / per_object(sizes[0]));
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

// adxm_bench_floor: the physical floor of ingest — what extraction alone costs.
//
// Lists the bucket, then reads, gunzips, parses and extracts every log object with the project's
// Extractor into a RowBatch (cleared per object), writing nothing. With --threads N the objects
// are shared out through an atomic cursor, one Extractor per thread. Prints
// `objects=… records=… rows=… gz_bytes=… seconds=…` for the bench driver.
//
// Usage: adxm_bench_floor --source BUCKET [--threads N] [--inflate libdeflate|isal]
//                         [--window-min-bytes N] [--window-bytes N]
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cloudtrail/extractor.h"
#include "cloudtrail/log_key.h"
#include "source/log_source.h"

namespace adxm {
namespace {

/// What the workers did together.
struct FloorTotals {
  std::mutex mutex;
  ExtractStats stats;     // Guarded by mutex.
  uint64_t gz_bytes = 0;  // Guarded by mutex.
  Status status;          // First failure; guarded by mutex.
};

/// Extract objects taken from `next` until none are left, adding the counts to `totals`.
void ExtractWorker(LogSource* source, const std::vector<ObjectInfo>& logs, std::atomic<size_t>* next,
                   const ExtractOptions& options, FloorTotals* totals) {
  Extractor extractor(options);
  RowBatch batch;
  ExtractStats stats;
  std::string bytes;
  uint64_t gz_bytes = 0;
  Status status;
  for (size_t index = (*next)++; index < logs.size() && status.ok(); index = (*next)++) {
    const ObjectInfo& object = logs[index];
    status = source->Read(object, &bytes, 0);
    if (status.ok()) status = extractor.ExtractObject(bytes, object.key, ClassifyLogKey(object.key).region, &batch, &stats);
    if (!status.ok()) status = status.WithContext(object.key);
    gz_bytes += bytes.size();
    batch.Clear();
  }
  std::lock_guard<std::mutex> lock(totals->mutex);
  totals->stats += stats;
  totals->gz_bytes += gz_bytes;
  if (totals->status.ok()) totals->status = status;
}

Status RunFloor(const std::string& root, int threads, const ExtractOptions& options) {
  auto start = std::chrono::steady_clock::now();
  ADXM_ASSIGN_OR_RETURN(auto source, OpenLocalSource(root));
  std::vector<ObjectInfo> objects;
  ADXM_RETURN_IF_ERROR(source->List(&objects));
  std::vector<ObjectInfo> logs;
  for (ObjectInfo& object : objects) {
    if (ClassifyLogKey(object.key).is_log) logs.push_back(std::move(object));
  }
  std::atomic<size_t> next{0};
  FloorTotals totals;
  std::vector<std::thread> workers;
  for (int worker = 1; worker < threads; ++worker) {
    workers.emplace_back(ExtractWorker, source.get(), std::cref(logs), &next, std::cref(options), &totals);
  }
  ExtractWorker(source.get(), logs, &next, options, &totals);
  for (std::thread& worker : workers) worker.join();
  ADXM_RETURN_IF_ERROR(totals.status);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("objects=%zu records=%llu rows=%llu gz_bytes=%llu seconds=%.3f\n", logs.size(),
              static_cast<unsigned long long>(totals.stats.records),
              static_cast<unsigned long long>(totals.stats.qualifying),
              static_cast<unsigned long long>(totals.gz_bytes), seconds);
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  std::string source;
  int threads = 1;
  std::string inflate = "libdeflate";
  adxm::ExtractOptions options;
  CLI::App app{"Ingest floor: list + read + gunzip + parse + extract every log object, write nothing"};
  app.add_option("--source", source, "Bucket root (holds AWSLogs/)")->required();
  app.add_option("--threads", threads, "Extraction threads")->check(CLI::Range(1, 256));
  app.add_option("--inflate", inflate, "Gunzip with libdeflate or isal")->check(CLI::IsMember({"libdeflate", "isal"}));
  app.add_option("--window-min-bytes", options.window_min_bytes,
                 "Objects announcing at least this much JSON are read a window at a time (0: all whole)");
  app.add_option("--window-bytes", options.window_bytes, "JSON read at a time from such objects")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  CLI11_PARSE(app, argc, argv);
  options.inflater = *adxm::ParseInflater(inflate);
  try {
    adxm::Status status = adxm::RunFloor(source, threads, options);
    if (status.ok()) return 0;
    std::fprintf(stderr, "adxm_bench_floor: %s\n", status.ToString().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxm_bench_floor: internal error: %s\n", e.what());
  }
  return 1;
}

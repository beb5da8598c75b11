// adxm_bench_manifest: the manifest at years of history. Builds (once, in --dir) a warehouse whose
// manifest holds --objects processed log objects over 336 delivery days and 3 regions, committed
// 1,000 objects a commit as an ingest would (checkpoints as configured by default), with one live
// data file per day. Then prints, in-process:
//   open_ms        Manifest::Open (newest checkpoint + log tail; what `query` reads)
//   engine_open_ms QueryEngine::Open (snapshot, DuckDB, views over the live files)
//   lookup_new_ms  LookupObjects of 300 keys of the newest day (a daily run's listing)
//   lookup_all_ms  LookupObjects of every key (a full local listing rerun)
//   checkpoint_bytes, index_bytes  sizes of the newest checkpoint and of all object index parts
// --keys-out FILE writes every history object as `key<TAB>size<TAB>etag`, in key (byte) order: what
// an S3 listing of the history reports (bench/s3_listing_server.mjs serves it for `make bench-s3`).
// The driver (small_files_bench.cc) also times the `query` and `ingest` commands against it.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/file_util.h"
#include "query/query_engine.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "warehouse/manifest.h"
#include "warehouse/warehouse.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The key of history object `index`, delivered in order: `per_day` objects a day, 3 regions.
std::string HistoryKey(size_t index, size_t per_day) {
  static const char* kRegions[] = {"us-east-1", "eu-west-1", "ap-southeast-2"};
  int day = static_cast<int>(index / per_day);
  const char* region = kRegions[index % 3];
  int month = day / 28 % 12 + 1, day_of_month = day % 28 + 1;
  return fmt::format("AWSLogs/111122223333/CloudTrail/{}/2023/{:02d}/{:02d}/111122223333_CloudTrail_{}_2023{:02d}{:02d}T{:02d}{:02d}Z_{:016x}.json.gz",
                     region, month, day_of_month, region, month, day_of_month, (index / 3) % 24,
                     (index / 72) % 60, index * 2654435761u);
}

// The size and ETag (unquoted, as the S3 source records a listed ETag) of history object `index`.
uint64_t HistorySize(size_t index) { return 4000 + index % 1000; }
std::string HistoryEtag(size_t index) { return fmt::format("{:032x}", index); }

// Write every history object as "key\tsize\tetag\n", sorted by key.
Status WriteKeys(const fs::path& path, size_t objects) {
  std::vector<std::pair<std::string, size_t>> keys;
  keys.reserve(objects);
  for (size_t index = 0; index < objects; ++index) keys.emplace_back(HistoryKey(index, objects / 336 + 1), index);
  std::sort(keys.begin(), keys.end());
  std::string text;
  for (const auto& [key, index] : keys) text += fmt::format("{}\t{}\t{}\n", key, HistorySize(index), HistoryEtag(index));
  return WriteFileAtomic(path, text);
}

Status Build(const fs::path& dir, size_t objects) {
  ADXM_ASSIGN_OR_RETURN(auto store, LocalStore::Open(dir));
  ADXM_ASSIGN_OR_RETURN(auto warehouse, Warehouse::OpenForWrite(store.get(), {}));
  // One live (empty) data file per day, as a compacted history has.
  CommitRecord files;
  files.txn = warehouse->manifest().next_txn();
  const std::string empty = EmptyDataFileBytes();
  for (int day = 0; day < 365; ++day) {
    std::string relative = WarehouseLayout::DataFileName(PartitionDir(19358 + day), 1);
    ADXM_ASSIGN_OR_RETURN(auto file, warehouse->NewDataFile(relative));
    ADXM_RETURN_IF_ERROR(file->Append(empty));
    ADXM_RETURN_IF_ERROR(file->Close());
    files.added_files.push_back(relative);
  }
  ADXM_RETURN_IF_ERROR(warehouse->Commit(std::move(files)));
  for (size_t start = 0; start < objects; start += 1000) {
    CommitRecord record;
    record.txn = warehouse->manifest().next_txn();
    for (size_t index = start; index < std::min(objects, start + 1000); ++index) {
      record.objects.push_back(ObjectRecord{HistoryKey(index, objects / 336 + 1), HistorySize(index), HistoryEtag(index), 100, 10, 0});
    }
    ADXM_RETURN_IF_ERROR(warehouse->Commit(std::move(record)));
  }
  return warehouse->Checkpoint();
}

uint64_t FolderBytes(const fs::path& folder) {
  uint64_t bytes = 0;
  if (!fs::exists(folder)) return bytes;
  for (const auto& entry : fs::directory_iterator(folder)) bytes += entry.file_size();
  return bytes;
}

Status Run(const fs::path& dir, size_t objects, const std::string& keys_out) {
  if (!keys_out.empty()) ADXM_RETURN_IF_ERROR(WriteKeys(keys_out, objects));
  if (!fs::exists(dir / "_adxmetrics")) {
    auto start = Clock::now();
    ADXM_RETURN_IF_ERROR(Build(dir, objects));
    std::printf("build_s=%.1f\n", MillisSince(start) / 1000);
  }
  ADXM_ASSIGN_OR_RETURN(auto store, LocalStore::Open(dir));
  auto start = Clock::now();
  ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Open(store.get()));
  double open_ms = MillisSince(start);
  // What `query` does before running SQL: snapshot, DuckDB, views over the live files.
  start = Clock::now();
  ADXM_ASSIGN_OR_RETURN(auto engine, QueryEngine::Open(dir, QueryEngineOptions{1}));
  double engine_open_ms = MillisSince(start);
  engine.reset();
  std::vector<std::string> fresh;
  for (size_t index = 0; index < 300; ++index) fresh.push_back(HistoryKey(objects + index, objects / 336 + 1));
  std::vector<std::optional<IndexedObject>> found;
  start = Clock::now();
  ADXM_RETURN_IF_ERROR(manifest->LookupObjects(fresh, &found));
  double lookup_new_ms = MillisSince(start);
  std::vector<std::string> all;
  for (size_t index = 0; index < objects; ++index) all.push_back(HistoryKey(index, objects / 336 + 1));
  start = Clock::now();
  ADXM_RETURN_IF_ERROR(manifest->LookupObjects(all, &found));
  double lookup_all_ms = MillisSince(start);
  size_t hits = 0;
  for (const auto& entry : found) hits += entry.has_value();
  if (hits != objects) return Status::Internal(fmt::format("lookup found {} of {} objects", hits, objects));
  std::printf("objects=%llu open_ms=%.2f engine_open_ms=%.1f lookup_new_ms=%.2f lookup_all_ms=%.1f checkpoint_bytes=%llu index_bytes=%llu\n",
              static_cast<unsigned long long>(manifest->object_count()), open_ms, engine_open_ms, lookup_new_ms,
              lookup_all_ms,
              static_cast<unsigned long long>(FolderBytes(dir / "_adxmetrics" / "checkpoint")),
              static_cast<unsigned long long>(FolderBytes(dir / "_adxmetrics" / "objects")));
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  CLI::App app{"Manifest benchmark: open and object lookups with N objects in history"};
  std::string dir;
  size_t objects = 2000000;
  app.add_option("--dir", dir, "Folder of the history warehouse (built if missing)")->required();
  app.add_option("--objects", objects, "Processed objects in history");
  std::string keys_out;
  app.add_option("--keys-out", keys_out, "Also write every history object (key, size, ETag; sorted) to this file");
  CLI11_PARSE(app, argc, argv);
  adxm::Status status = adxm::Run(dir, objects, keys_out);
  if (!status.ok()) {
    std::fprintf(stderr, "adxm_bench_manifest: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

// adxm_bench_manifest: what planning an ingest costs per object as the manifest grows.
//
// Builds (once, cached in --dir) a manifest of N processed objects with realistic CloudTrail keys,
// committed through Manifest::Commit in batches of 1,000 like an ingest would. Then times
// Manifest::Load and N Contains() lookups of keys it holds (a no-op rerun) and of keys it does
// not (a run with only new objects). Prints `objects=… load_ms=… hit_ns=… miss_ns=… bytes=…`.
//
// Usage: adxm_bench_manifest --dir DIR --objects N
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "warehouse/manifest.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

constexpr size_t kObjectsPerCommit = 1000;

/// Return the key of fake log object `index` (`salt` makes a disjoint set of keys).
std::string FakeKey(size_t index, char salt) {
  static const char* const kRegions[] = {"us-east-1", "us-west-2", "eu-west-1"};
  const char* region = kRegions[index % 3];
  size_t minute = index / 3 * 5;  // One object per region per 5 minutes, like a real trail.
  char key[256];
  std::snprintf(key, sizeof(key),
                "AWSLogs/111122223333/CloudTrail/%s/2023/%02zu/%02zu/111122223333_CloudTrail_%s_2023%02zu%02zuT%02zu%02zuZ_"
                "%c%015zx.json.gz",
                region, minute / 44640 % 12 + 1, minute / 1440 % 31 + 1, region, minute / 44640 % 12 + 1,
                minute / 1440 % 31 + 1, minute / 60 % 24, minute % 60, salt, index);
  return key;
}

/// Write a manifest of `objects` fake objects to `path` (via a temporary file, so a killed build
/// is never mistaken for a finished one).
Status BuildManifest(const fs::path& path, size_t objects) {
  fs::path building = path.string() + ".building";
  ADXM_RETURN_IF_ERROR(RemoveAll(building));
  ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Load(building));
  for (size_t first = 0; first < objects; first += kObjectsPerCommit) {
    CommitRecord record;
    record.txn = manifest->next_txn();
    for (size_t index = first; index < std::min(objects, first + kObjectsPerCommit); ++index) {
      record.objects.push_back(ObjectRecord{FakeKey(index, 'a'), 4096 + index % 8192, "mtime-1682899500000000000",
                                            120, 95, 0});
    }
    record.added_files.push_back("year=2023/month=05/day=01/part-" + std::to_string(record.txn) + ".parquet");
    ADXM_RETURN_IF_ERROR(manifest->Commit(record));
  }
  return RenameFile(building, path);
}

/// Return nanoseconds per Contains() call over `keys`; `*found` counts the hits.
double TimeLookups(const Manifest& manifest, const std::vector<std::string>& keys, size_t* found) {
  auto start = std::chrono::steady_clock::now();
  for (const std::string& key : keys) *found += manifest.Contains(key) ? 1 : 0;
  double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  return ns / static_cast<double>(keys.size());
}

Status RunManifestBench(const fs::path& dir, size_t objects) {
  ADXM_RETURN_IF_ERROR(CreateDirs(dir));
  fs::path path = dir / ("manifest-" + std::to_string(objects));
  if (!fs::exists(path)) ADXM_RETURN_IF_ERROR(BuildManifest(path, objects));
  std::vector<std::string> hits, misses;
  for (size_t index = 0; index < objects; ++index) {
    hits.push_back(FakeKey(index, 'a'));
    misses.push_back(FakeKey(index, 'b'));
  }
  auto start = std::chrono::steady_clock::now();
  ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Load(path));
  double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  size_t found = 0;
  double hit_ns = TimeLookups(*manifest, hits, &found);
  double miss_ns = TimeLookups(*manifest, misses, &found);
  if (found != objects || manifest->object_count() != objects) {
    return Status::Internal("manifest " + path.string() + ": lookups found " + std::to_string(found) + " of " +
                            std::to_string(objects));
  }
  std::printf("objects=%zu load_ms=%.2f hit_ns=%.1f miss_ns=%.1f bytes=%llu\n", objects, load_ms, hit_ns, miss_ns,
              static_cast<unsigned long long>(fs::file_size(path)));
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  std::string dir;
  size_t objects = 20000;
  CLI::App app{"Manifest benchmark: Load + Contains() per object, for N processed objects"};
  app.add_option("--dir", dir, "Directory caching the built manifests")->required();
  app.add_option("--objects", objects, "Objects in the manifest")->check(CLI::Range(size_t{1}, size_t{100'000'000}));
  CLI11_PARSE(app, argc, argv);
  try {
    adxm::Status status = adxm::RunManifestBench(dir, objects);
    if (status.ok()) return 0;
    std::fprintf(stderr, "adxm_bench_manifest: %s\n", status.ToString().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxm_bench_manifest: internal error: %s\n", e.what());
  }
  return 1;
}

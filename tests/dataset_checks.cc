#include "dataset_checks.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/file_util.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "warehouse/manifest.h"
#include "warehouse/warehouse.h"

namespace adxm::testing {

void GenerateBucket(const std::filesystem::path& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"generate", "--out", dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = RunCli(argv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

CommandResult IngestCli(const std::filesystem::path& source, const std::filesystem::path& warehouse,
                        const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"ingest", "--source", source.string(), "--warehouse", warehouse.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunCli(argv);
}

nlohmann::json QueryJson(const std::filesystem::path& warehouse, const std::string& sql) {
  CommandResult result = RunCli({"query", "--warehouse", warehouse.string(), "--format", "json", sql});
  EXPECT_EQ(result.exit_code, 0) << sql << "\n" << result.err;
  auto rows = nlohmann::json::parse(result.out, nullptr, false);
  EXPECT_TRUE(rows.is_array()) << result.out;
  return rows.is_array() ? rows : nlohmann::json::array();
}

int64_t CountRows(const std::filesystem::path& warehouse) {
  auto rows = QueryJson(warehouse, "SELECT count(*) AS n FROM adx_for_s3_metrics");
  return rows.empty() ? -1 : rows[0]["n"].get<int64_t>();
}

std::string DumpDataset(const std::filesystem::path& warehouse) {
  CommandResult result = RunCli({"query", "--warehouse", warehouse.string(), "--format", "csv",
                                 "SELECT * FROM adx_for_s3_metrics ORDER BY eventID, source_log_file"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

nlohmann::json LoadGroundTruth(const std::filesystem::path& bucket) {
  auto text = ReadFile(bucket / "ground_truth.json");
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? nlohmann::json::parse(*text) : nlohmann::json::object();
}

std::vector<std::string> DataFilesOnDisk(const std::filesystem::path& warehouse) {
  // Files replaced by a compaction stay for the retention window as empty Parquet files.
  static const std::string kEmpty = EmptyDataFileBytes();
  std::filesystem::path table = TableDir(warehouse);
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(table, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string relative = std::filesystem::relative(it->path(), table).generic_string();
    if (WarehouseLayout::IsHidden(relative)) continue;
    if (it->file_size() == kEmpty.size() && *ReadFile(it->path()) == kEmpty) continue;
    files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> LiveFiles(const std::filesystem::path& warehouse) {
  auto store = LocalStore::Open(warehouse);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  auto manifest = Manifest::Open(store->get());
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  if (!manifest.ok()) return {};
  const auto& live = (*manifest)->state().live_files;
  return std::vector<std::string>(live.begin(), live.end());
}

std::filesystem::path TableDir(const std::filesystem::path& warehouse) { return warehouse / "adx_for_s3_metrics"; }

std::vector<std::string> ManifestFiles(const std::filesystem::path& warehouse) {
  std::vector<std::string> files;
  for (const char* folder : {"_adxmetrics/log", "_adxmetrics/checkpoint", "_adxmetrics/objects"}) {
    if (!std::filesystem::exists(warehouse / folder)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(warehouse / folder)) {
      files.push_back(std::filesystem::relative(entry.path(), warehouse).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> LogKeys(const std::filesystem::path& bucket) {
  std::vector<std::string> keys;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(bucket)) {
    std::string key = std::filesystem::relative(entry.path(), bucket).generic_string();
    bool log = entry.is_regular_file() && key.size() > 8 && key.ends_with(".json.gz") &&
               key.find("CloudTrail-Digest/") == std::string::npos;
    if (log) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace adxm::testing

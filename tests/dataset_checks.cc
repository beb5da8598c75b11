#include "dataset_checks.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/file_util.h"
#include "dataset/manifest.h"
#include "dataset/warehouse_layout.h"

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
  WarehouseLayout layout(warehouse);
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(layout.table_dir(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) {
      files.push_back(std::filesystem::relative(it->path(), layout.table_dir()).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> LiveFiles(const std::filesystem::path& warehouse) {
  auto manifest = Manifest::Load(WarehouseLayout(warehouse).manifest_path());
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  if (!manifest.ok()) return {};
  const auto& live = (*manifest)->live_files();
  return std::vector<std::string>(live.begin(), live.end());
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

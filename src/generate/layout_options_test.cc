// Tests of the generator's layout knobs: regions, delivery window, objects per data set, IPs per
// subscriber. Files are read back independently (libdeflate + nlohmann::json).
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "generate/generator.h"
#include "test_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

GenerateOptions LayoutOptions(const fs::path& out) {
  GenerateOptions options;
  options.out = out;
  options.start = "2023-05-01";
  options.days = 2;
  options.events_per_day = 1000;
  options.subscribers = 6;
  return options;
}

// The file's bytes; empty when it cannot be read (the comparisons then fail).
std::string ReadAll(const fs::path& path) {
  Result<std::string> bytes = ReadFile(path);
  return bytes.ok() ? *std::move(bytes) : std::string();
}

Json ReadLog(const fs::path& path) {
  std::string gz = ReadAll(path);
  // ISIZE, the last four bytes, is the uncompressed size (our files are under 4 GB).
  size_t size = 0;
  for (int idx = 1; idx <= 4; ++idx) size = size << 8 | static_cast<unsigned char>(gz[gz.size() - idx]);
  std::string json(size, '\0');
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  auto result = libdeflate_gzip_decompress(decompressor, gz.data(), gz.size(), json.data(), size, nullptr);
  libdeflate_free_decompressor(decompressor);
  EXPECT_EQ(result, LIBDEFLATE_SUCCESS) << path;
  return Json::parse(json);
}

/// Return the log files (digests excluded) under `root`, relative to it, sorted.
std::vector<std::string> LogKeys(const fs::path& root) {
  std::vector<std::string> keys;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string key = fs::relative(entry.path(), root).generic_string();
    if (entry.is_regular_file() && key.find("/CloudTrail/") != std::string::npos) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(LayoutOptionsTest, OneRegionPutsEveryLogAndEventInTheFirstRegion) {
  testing::ScratchDir dir;
  GenerateOptions options = LayoutOptions(dir.path());
  options.regions = 1;
  ASSERT_TRUE(Generate(options).ok());
  std::vector<std::string> keys = LogKeys(dir.path());
  ASSERT_FALSE(keys.empty());
  uint64_t records = 0;
  for (const std::string& key : keys) {
    ASSERT_EQ(key.rfind("AWSLogs/111122223333/CloudTrail/us-east-1/", 0), 0u) << key;
    Json file = ReadLog(dir.path() / key);
    for (const Json& record : file["Records"]) {
      ASSERT_EQ(record["awsRegion"], "us-east-1") << key;
      ++records;
    }
  }
  EXPECT_GT(records, 2000u);
}

TEST(LayoutOptionsTest, WindowSetsRecordsPerObject) {
  testing::ScratchDir dir;
  auto records_per_object = [&](int window_seconds, const std::string& name) {
    GenerateOptions options = LayoutOptions(dir.path() / name);
    options.regions = 1;
    options.window_seconds = window_seconds;
    auto summary = Generate(options);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    uint64_t records = summary->qualifying_events + summary->noise_events + summary->duplicate_deliveries;
    return static_cast<double>(records) / static_cast<double>(summary->files);
  };
  // 2 days of ~1,000 qualifying events (+20-30% noise, + a bulk download on day 1) in one region.
  double hourly = records_per_object(3600, "hourly");
  double daily = records_per_object(86400, "daily");
  EXPECT_GT(hourly, 50);
  EXPECT_LT(hourly, 200);
  EXPECT_GT(daily, 1000);  // One object a day (and a day's late file on its own).
  EXPECT_LT(daily, 2500);
  EXPECT_GT(hourly, 5 * records_per_object(300, "five-minute"));
}

TEST(LayoutOptionsTest, FleetsAndHistoryGiveThousandsOfIpsAndObjects) {
  testing::ScratchDir dir;
  GenerateOptions options = LayoutOptions(dir.path());
  options.events_per_day = 5000;
  options.objects_per_data_set = 2000;
  options.ips_per_subscriber = 1000;
  ASSERT_TRUE(Generate(options).ok());
  std::set<std::string> ips, objects, request_ids;
  uint64_t records = 0;
  for (const std::string& key : LogKeys(dir.path())) {
    Json file = ReadLog(dir.path() / key);
    for (const Json& record : file["Records"]) {
      if (record["userIdentity"].value("accountId", "") == "111122223333") continue;  // The provider.
      ++records;
      ips.insert(record.value("sourceIPAddress", ""));
      request_ids.insert(record.value("requestID", ""));
      if (record["requestParameters"].is_object()) objects.insert(record["requestParameters"].value("key", ""));
    }
  }
  EXPECT_GT(ips.size(), 2000u);
  EXPECT_GT(objects.size(), 2000u);
  EXPECT_GT(request_ids.size() * 100, records * 99);  // Request ids are (nearly) unique.
}

TEST(LayoutOptionsTest, OutputIsStillAPureFunctionOfTheOptions) {
  testing::ScratchDir dir;
  GenerateOptions options = LayoutOptions(dir.path() / "one");
  options.regions = 2;
  options.window_seconds = 900;
  options.objects_per_data_set = 100;
  options.ips_per_subscriber = 50;
  options.threads = 1;
  ASSERT_TRUE(Generate(options).ok());
  options.out = dir.path() / "two";
  options.threads = 2;
  ASSERT_TRUE(Generate(options).ok());
  std::vector<std::string> keys = LogKeys(dir.path() / "one");
  ASSERT_EQ(keys, LogKeys(dir.path() / "two"));
  for (const std::string& key : keys) ASSERT_EQ(ReadAll(dir.path() / "one" / key), ReadAll(dir.path() / "two" / key));
  Json truth = Json::parse(ReadAll(dir.path() / "one" / "ground_truth.json"));
  EXPECT_EQ(truth["options"]["window_seconds"], 900);
  EXPECT_EQ(ReadAll(dir.path() / "one" / "ground_truth.json"), ReadAll(dir.path() / "two" / "ground_truth.json"));
}

TEST(LayoutOptionsTest, RejectsBadLayoutsWithClearMessages) {
  testing::ScratchDir dir;
  auto message = [&](auto change) {
    GenerateOptions options = LayoutOptions(dir.path() / "out");
    change(&options);
    auto result = Generate(options);
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    return std::string(result.status().message());
  };
  EXPECT_NE(message([](GenerateOptions* o) { o->regions = 4; }).find("regions"), std::string::npos);
  EXPECT_NE(message([](GenerateOptions* o) { o->regions = 0; }).find("regions"), std::string::npos);
  EXPECT_NE(message([](GenerateOptions* o) { o->window_seconds = 7; }).find("divide"), std::string::npos);
  EXPECT_NE(message([](GenerateOptions* o) { o->window_seconds = 172800; }).find("window"), std::string::npos);
  EXPECT_NE(message([](GenerateOptions* o) { o->objects_per_data_set = -1; }).find("objects"), std::string::npos);
  EXPECT_NE(message([](GenerateOptions* o) { o->ips_per_subscriber = -1; }).find("IPs"), std::string::npos);
}

}  // namespace
}  // namespace adxm

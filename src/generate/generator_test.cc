// Tests of the generator. The ground truth is cross-checked by an independent reader written
// here from the domain rules (libdeflate + nlohmann::json), not by reusing generator code.
#include "generate/generator.h"

#include <gtest/gtest.h>
#include <libdeflate.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// The ADX service accounts, written out again from DESIGN.md §2.
const std::set<std::string> kAdxAccounts = {
    "540564263739", "504002150500", "337040091392", "366362662752", "330489627928", "291973504423",
    "461002523379", "036905324694", "675969394711", "108584782536", "844053218156"};

GenerateOptions SmallOptions(const fs::path& out, uint64_t seed = 42) {
  GenerateOptions options;
  options.out = out;
  options.seed = seed;
  options.start = "2023-05-31";  // Crosses a month boundary.
  options.days = 2;
  options.events_per_day = 500;
  options.subscribers = 6;
  return options;
}

std::vector<std::string> ListKeys(const fs::path& root) {
  std::vector<std::string> keys;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) keys.push_back(fs::relative(entry.path(), root).generic_string());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Gunzip(const std::string& gz) {
  // ISIZE, the last four bytes, is the uncompressed size (mod 2^32; our files are small).
  size_t size = static_cast<unsigned char>(gz[gz.size() - 4]) |
                static_cast<unsigned char>(gz[gz.size() - 3]) << 8 |
                static_cast<unsigned char>(gz[gz.size() - 2]) << 16 |
                static_cast<size_t>(static_cast<unsigned char>(gz[gz.size() - 1])) << 24;
  std::string out(size, '\0');
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  size_t actual = 0;
  auto result =
      libdeflate_gzip_decompress(decompressor, gz.data(), gz.size(), out.data(), size, &actual);
  libdeflate_free_decompressor(decompressor);
  EXPECT_EQ(result, LIBDEFLATE_SUCCESS);
  out.resize(actual);
  return out;
}

int64_t ParseTime(const std::string& text) {  // "2023-05-01T12:00:00Z" or "2023-05-01".
  std::tm tm = {};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  if (text.size() > 10) {
    tm.tm_hour = std::stoi(text.substr(11, 2));
    tm.tm_min = std::stoi(text.substr(14, 2));
    tm.tm_sec = std::stoi(text.substr(17, 2));
  }
  return static_cast<int64_t>(timegm(&tm));
}

// The qualification rule: an S3 data read through an access point (owned by an ADX account).
bool Qualifies(const Json& record, bool any_owner) {
  if (record.value("eventSource", "") != "s3.amazonaws.com") return false;
  if (record.value("eventCategory", "") != "Data") return false;
  if (!record.contains("readOnly") || record["readOnly"] != true) return false;
  if (!record.contains("resources")) return false;
  for (const Json& resource : record["resources"]) {
    if (resource.value("type", "") != "AWS::S3::AccessPoint") continue;
    if (any_owner || kAdxAccounts.count(resource.value("accountId", ""))) return true;
  }
  return false;
}

/// What an independent reader learns from a bucket.
struct Scan {
  struct Month {
    std::set<std::string> subscribers;
    std::map<std::string, uint64_t> event_counts, bytes;
    uint64_t events = 0;
  };
  std::map<std::string, Month> months;
  std::map<std::string, uint64_t> days;
  std::map<std::string, std::map<std::string, int>> day_accounts;  // Day → account → events.
  std::map<std::string, std::string> records;                      // eventID → record text.
  std::map<std::string, int> features;  // Feature → records or files showing it.
  uint64_t qualifying = 0, all_access_points = 0, files = 0, late_files = 0, duplicates = 0;
  uint64_t total_records = 0, json_bytes = 0;
};

void CountQualifying(const Json& record, Scan* scan) {
  ++scan->qualifying;
  std::string time = record["eventTime"];
  std::string account = record["userIdentity"]["accountId"];
  Scan::Month& month = scan->months[time.substr(0, 7)];
  ++month.events;
  ++scan->days[time.substr(0, 10)];
  ++scan->day_accounts[time.substr(0, 10)][account];
  if (account != "anonymous") {
    month.subscribers.insert(account);
    ++month.event_counts[record["eventName"].get<std::string>()];
  }
  uint64_t& bytes = month.bytes[account];
  const Json& extra = record.value("additionalEventData", Json::object());
  if (extra.contains("bytesTransferredOut")) {
    const Json& out = extra["bytesTransferredOut"];
    bytes += out.is_string() ? std::stoull(out.get<std::string>()) : out.get<uint64_t>();
    if (out.is_string()) ++scan->features["bytes as string"];
  }
  const Json& params = record["requestParameters"];
  if (account == "anonymous") ++scan->features["anonymous"];
  if (record.value("errorCode", "") == "AccessDenied") ++scan->features["AccessDenied"];
  if (params.value("list-type", "") == "2" && params.contains("prefix"))
    ++scan->features["list v2"];
  if (record["eventName"] == "ListObjects" && !params.contains("list-type") &&
      !params.contains("prefix")) {
    ++scan->features["list v1 without prefix"];
  }
  if (record.contains("vpcEndpointId")) ++scan->features["vpce"];
  if (params.value("x-amz-request-payer", "") == "requester") ++scan->features["requester pays"];
}

void CountNoise(const Json& record, Scan* scan) {
  if (Qualifies(record, /*any_owner=*/true)) ++scan->features["non-ADX access point"];
  if (record.value("eventCategory", "") == "NetworkActivity") ++scan->features["NetworkActivity"];
  if (record.value("managementEvent", false)) ++scan->features["management"];
  if (record.value("readOnly", true) == false) ++scan->features["write"];
  if (record.value("eventSource", "") != "s3.amazonaws.com") ++scan->features["other service"];
}

void ScanRecord(const Json& record, Scan* scan) {
  std::string text = record.dump();
  auto [it, inserted] = scan->records.emplace(record["eventID"].get<std::string>(), text);
  if (!inserted) {
    ++scan->duplicates;
    if (it->second != text) ++scan->features["duplicate differs"];
    return;
  }
  if (Qualifies(record, /*any_owner=*/true)) ++scan->all_access_points;
  if (Qualifies(record, /*any_owner=*/false)) {
    CountQualifying(record, scan);
  } else {
    CountNoise(record, scan);
  }
}

void ScanFile(const fs::path& root, const std::string& key, Scan* scan) {
  std::string json = Gunzip(ReadAll(root / key));
  scan->json_bytes += json.size();
  Json file = Json::parse(json);
  ++scan->files;
  int64_t newest = 0, oldest = INT64_MAX, previous = 0;
  bool in_order = true;
  for (const Json& record : file["Records"]) {
    int64_t time = ParseTime(record["eventTime"]);
    in_order = in_order && time >= previous;
    previous = time;
    newest = std::max(newest, time);
    oldest = std::min(oldest, time);
    ++scan->total_records;
    ScanRecord(record, scan);
  }
  if (!in_order) ++scan->features["shuffled file"];
  // Key: .../YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16>.json.gz
  std::string stamp = key.substr(key.size() - 39, 13);
  int64_t delivered =
      ParseTime(stamp.substr(0, 4) + "-" + stamp.substr(4, 2) + "-" + stamp.substr(6, 2) + "T" +
                stamp.substr(9, 2) + ":" + stamp.substr(11, 2) + ":00Z");
  std::string folder = fs::path(key).parent_path().generic_string();  // Ends in YYYY/MM/DD.
  int64_t folder_day =
      ParseTime(folder.substr(folder.size() - 10).replace(4, 1, "-").replace(7, 1, "-"));
  int64_t event_day = newest - newest % 86400;
  if (delivered - newest > 3 * 3600) {
    ++scan->late_files;
    if (folder_day > oldest - oldest % 86400 + 86400) ++scan->features["late by 2+ days"];
  } else if (folder_day > event_day) {
    ++scan->features["after midnight"];
  }
  if (key.rfind("AWSLogs/o-", 0) == 0) ++scan->features["organization trail"];
}

class GeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::ScratchDir();
    auto summary = Generate(SmallOptions(root()));
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    summary_ = *summary;
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path root() { return dir_->path() / "bucket"; }

  static testing::ScratchDir* dir_;
  static GenerateSummary summary_;
};

testing::ScratchDir* GeneratorTest::dir_ = nullptr;
GenerateSummary GeneratorTest::summary_;

TEST_F(GeneratorTest, SameSeedGivesIdenticalBytesOtherSeedDiffers) {
  testing::ScratchDir other;
  GenerateOptions same = SmallOptions(other.path() / "same");
  same.threads = 1;  // The fixture used two: scheduling must not change a byte.
  ASSERT_TRUE(Generate(same).ok());
  ASSERT_TRUE(Generate(SmallOptions(other.path() / "different", 43)).ok());
  std::vector<std::string> keys = ListKeys(root());
  ASSERT_EQ(keys, ListKeys(other.path() / "same"));
  for (const std::string& key : keys) {
    ASSERT_EQ(ReadAll(root() / key), ReadAll(other.path() / "same" / key)) << key;
  }
  EXPECT_NE(keys, ListKeys(other.path() / "different"));
  EXPECT_NE(ReadAll(root() / "ground_truth.json"),
            ReadAll(other.path() / "different" / "ground_truth.json"));
}

TEST_F(GeneratorTest, KeysFollowCloudTrailLayout) {
  const std::regex log_key(
      R"(AWSLogs/(o-[a-z0-9]{10}/)?(\d{12})/CloudTrail/([a-z]{2}-[a-z]+-\d)/(\d{4})/(\d{2})/(\d{2})/)"
      R"(\2_CloudTrail_\3_\4\5\6T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz)");
  const std::regex digest_key(
      R"(AWSLogs/(o-[a-z0-9]{10}/)?(\d{12})/CloudTrail-Digest/([a-z]{2}-[a-z]+-\d)/(\d{4})/(\d{2})/(\d{2})/)"
      R"(\2_CloudTrail-Digest_\3_[\w-]+_\3_\4\5\6T\d{6}Z\.json\.gz)");
  uint64_t logs = 0, digests = 0, organization = 0;
  for (const std::string& key : ListKeys(root())) {
    if (key == "ground_truth.json") continue;
    bool is_log = std::regex_match(key, log_key), is_digest = std::regex_match(key, digest_key);
    EXPECT_TRUE(is_log || is_digest) << key;
    logs += is_log;
    digests += is_digest;
    organization += is_log && key.rfind("AWSLogs/o-", 0) == 0;
    if (is_digest) {
      Json digest = Json::parse(Gunzip(ReadAll(root() / key)));
      EXPECT_FALSE(digest["logFiles"].empty()) << key;
      EXPECT_TRUE(digest.contains("previousDigestHashValue")) << key;
    }
  }
  EXPECT_EQ(logs, summary_.files);
  EXPECT_EQ(digests, summary_.digest_files);
  EXPECT_GT(digests, 0u);
  EXPECT_GT(organization, 0u);
  EXPECT_LT(organization * 2, logs);  // A minority of files come through the organization trail.
}

TEST_F(GeneratorTest, GroundTruthMatchesIndependentReader) {
  Scan scan;
  for (const std::string& key : ListKeys(root())) {
    if (key.find("/CloudTrail/") != std::string::npos) ScanFile(root(), key, &scan);
  }
  Json truth = Json::parse(ReadAll(root() / "ground_truth.json"));
  ASSERT_EQ(truth["months"].size(), scan.months.size());
  for (const Json& month : truth["months"]) {
    std::string name = month["year"].get<std::string>() + "-" + month["month"].get<std::string>();
    ASSERT_TRUE(scan.months.count(name)) << name;
    const Scan::Month& seen = scan.months[name];
    EXPECT_EQ(month["distinct_subscribers"].get<std::vector<std::string>>(),
              std::vector<std::string>(seen.subscribers.begin(), seen.subscribers.end()));
    EXPECT_EQ((month["event_counts"].get<std::map<std::string, uint64_t>>()), seen.event_counts);
    EXPECT_EQ((month["bytes_per_subscriber"].get<std::map<std::string, uint64_t>>()), seen.bytes);
    EXPECT_EQ(month["qualifying_events"].get<uint64_t>(), seen.events);
  }
  EXPECT_EQ((truth["days"].get<std::map<std::string, uint64_t>>()), scan.days);
  EXPECT_EQ(truth["days"].size(), 2u);
  EXPECT_EQ(truth["qualifying_events"].get<uint64_t>(), scan.qualifying);
  EXPECT_EQ(truth["qualifying_events_all_access_points"].get<uint64_t>(), scan.all_access_points);
  EXPECT_EQ(truth["files"].get<uint64_t>(), scan.files);
  EXPECT_EQ(truth["late_files"].get<uint64_t>(), scan.late_files);
  EXPECT_EQ(truth["duplicate_deliveries"].get<uint64_t>(), scan.duplicates);
  EXPECT_EQ(summary_.qualifying_events, scan.qualifying);
  EXPECT_EQ(summary_.qualifying_events + summary_.noise_events, scan.records.size());
  EXPECT_EQ(summary_.json_bytes, scan.json_bytes);

  for (const char* feature :
       {"anonymous", "AccessDenied", "list v2", "list v1 without prefix", "bytes as string", "vpce",
        "requester pays", "non-ADX access point", "NetworkActivity", "management", "write",
        "other service", "shuffled file", "late by 2+ days", "after midnight",
        "organization trail"}) {
    EXPECT_GT(scan.features[feature], 0) << feature;
  }
  EXPECT_GT(scan.duplicates, 0u);
  // Day 2 holds a bulk download (+75%) and a heavy subscriber who stopped (churn).
  EXPECT_GT(scan.days["2023-06-01"] * 2, scan.days["2023-05-31"] * 3);
  int churned = 0;
  for (const auto& [account, events] : scan.day_accounts["2023-05-31"]) {
    churned += events >= 20 && scan.day_accounts["2023-06-01"].count(account) == 0;
  }
  EXPECT_EQ(churned, 1);
  EXPECT_EQ(scan.features["duplicate differs"], 0);
  // Noise is 20-30% on top of the qualifying events; records are realistic in size.
  double noise_ratio =
      static_cast<double>(summary_.noise_events) / static_cast<double>(scan.qualifying);
  EXPECT_GT(noise_ratio, 0.15);
  EXPECT_LT(noise_ratio, 0.35);
  double record_bytes =
      static_cast<double>(scan.json_bytes) / static_cast<double>(scan.total_records);
  EXPECT_GT(record_bytes, 1100);
  EXPECT_LT(record_bytes, 1800);
}

TEST(GenerateOptionsTest, SmallestBucketIsValid) {
  testing::ScratchDir dir;
  GenerateOptions options = SmallOptions(dir.path() / "out");
  options.days = 1;
  options.events_per_day = 1;
  options.subscribers = 1;
  auto summary = Generate(options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->qualifying_events, 1u);
  Json truth = Json::parse(ReadAll(dir.path() / "out" / "ground_truth.json"));
  EXPECT_EQ(truth["days"]["2023-05-31"], 1);
}

TEST(GenerateOptionsTest, RejectsBadOptionsWithClearMessages) {
  testing::ScratchDir dir;
  GenerateOptions options = SmallOptions(dir.path() / "out");
  options.start = "2023-02-30";
  auto result = Generate(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("2023-02-30"), std::string::npos);

  options = SmallOptions(dir.path() / "out");
  options.days = 0;
  EXPECT_EQ(Generate(options).status().code(), StatusCode::kInvalidArgument);
  options = SmallOptions(dir.path() / "out");
  options.subscribers = 0;
  EXPECT_EQ(Generate(options).status().code(), StatusCode::kInvalidArgument);
  options = SmallOptions("");
  EXPECT_EQ(Generate(options).status().code(), StatusCode::kInvalidArgument);
  // A non-empty output directory is refused rather than mixed with an older bucket.
  std::ofstream(dir.path() / "stray") << "x";
  EXPECT_EQ(Generate(SmallOptions(dir.path())).status().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace adxm

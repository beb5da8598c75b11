// Bad input is data: each corrupt class mixed among good files is named with its
// reason, everything else is ingested, the exit code is 3, and a repaired file
// ingests on the next run. A malformed qualifying record is named with its object, record
// index and reason while the object's other records land; other services' records are skipped.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <map>

#include "base/file_util.h"
#include "dataset_checks.h"

namespace adxm::testing {
namespace {

// A qualifying GetObject through an ADX access point; `user_agent` is spliced in raw.
std::string Record(const std::string& event_id, const std::string& user_agent = "[aws-cli/2.13.0]",
                   const std::string& identity = R"({"type":"AWSAccount","principalId":"AROAEXAMPLE:s","accountId":"999988887777"})") {
  return R"({"eventVersion":"1.09","userIdentity":)" + identity +
         R"(,"eventTime":"2023-05-21T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",)"
         R"("awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":")" + user_agent +
         R"(","requestParameters":{"bucketName":"acme-data","key":"a/b.csv","x-amz-request-payer":"requester"},)"
         R"("responseElements":null,"additionalEventData":{"bytesTransferredOut":100},"requestID":"R1",)"
         R"("eventID":")" + event_id + R"(","readOnly":true,"resources":[{"type":"AWS::S3::AccessPoint",)"
         R"("accountId":"540564263739","ARN":"arn:aws:s3:us-east-1:540564263739:accesspoint/ap1"}],)"
         R"("eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333",)"
         R"("eventCategory":"Data"})";
}

class BadInputIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GenerateBucket(bucket(), {"--seed", "11", "--start", "2023-05-20", "--days", "3", "--events-per-day", "300"});
    good_keys_ = LogKeys(bucket());
    ASSERT_GT(good_keys_.size(), 10u);
    std::string real = *ReadFile(bucket() / good_keys_[3]);
    std::string corrupt = real;
    for (size_t i = corrupt.size() / 2; i < corrupt.size() / 2 + 16; ++i) corrupt[i] ^= 0x5a;
    bad_ = {
        {"corrupt", corrupt},
        {"truncated", real.substr(0, real.size() / 2)},
        {"empty", ""},
        {"notgzip", "this is plain text, not gzip"},
        {"notjson", Gzip("this is not JSON at all")},
        {"norecords", Gzip(R"({"Something":[]})")},
        {"recordnotobject", Gzip(R"({"Records":[42]})")},
        {"wrongtype", Gzip(R"({"Records":[)" + Record("c0ffee00-0000-4000-8000-000000000001", "ua",
                                                      R"("just-a-string")") + "]}")},
        {"badutf8", Gzip(R"({"Records":[)" + Record("c0ffee00-0000-4000-8000-000000000002", "bad\xff\xfe") + "]}")},
        {"duplicaterecords", Gzip(R"({"Records":[)" + Record("c0ffee00-0000-4000-8000-000000000003") +
                                  R"(],"Records":[)" + Record("c0ffee00-0000-4000-8000-000000000004") + "]}")},
        {"mixed", Gzip(R"({"Records":[)" + DynamoDbRecord() + "," + Record(kMixedGoodId) + "," +
                       MalformedRecordJson() + "]}")},
    };
    for (const auto& [name, bytes] : bad_) ASSERT_TRUE(WriteFile(bucket() / BadKey(name), bytes, false).ok());
  }

  static constexpr const char* kMixedGoodId = "c0ffee00-0000-4000-8000-0000000000b1";
  // A DynamoDB data event as AWS documents it: requestParameters.key is an object.
  static std::string DynamoDbRecord() {
    return R"({"eventVersion":"1.08","eventTime":"2023-05-21T10:00:00Z","eventSource":"dynamodb.amazonaws.com",)"
           R"("eventName":"GetItem","requestParameters":{"tableName":"Music","key":{"Artist":"A"}},)"
           R"("readOnly":true,"eventID":"dd","resources":[{"type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:us-east-1:1:table/Music"}],)"
           R"("eventCategory":"Data","managementEvent":false})";
  }
  // A qualifying record with an eventTime from before CloudTrail existed.
  static std::string MalformedRecordJson() {
    std::string record = Record("c0ffee00-0000-4000-8000-0000000000b2");
    record.replace(record.find("2023-05-21T10:00:00Z"), 20, "0999-05-21T10:00:00Z");
    return record;
  }

  static std::string BadKey(const std::string& name) {
    return "AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/21/"
           "111122223333_CloudTrail_us-east-1_20230521T1000Z_" + name + ".json.gz";
  }
  std::filesystem::path bucket() const { return scratch_.path() / "bucket"; }
  std::filesystem::path warehouse() const { return scratch_.path() / "wh"; }

  ScratchDir scratch_;
  std::vector<std::string> good_keys_;
  std::map<std::string, std::string> bad_;
};

std::string RejectLine(const std::string& out, const std::string& key) {
  size_t at = out.find("rejected: " + key + ": ");
  if (at == std::string::npos) return "";
  return out.substr(at, out.find('\n', at) - at);
}

TEST_F(BadInputIntegrationTest, EachBadObjectIsNamedWithItsReasonAndGoodOnesAreAllIngested) {
  CommandResult run = IngestCli(bucket(), warehouse());
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  const std::map<std::string, std::vector<std::string>> reasons = {
      {"corrupt", {"gzip"}},       {"truncated", {"truncated"}}, {"empty", {"empty"}},
      {"notgzip", {"not gzip"}},   {"notjson", {"JSON"}},        {"norecords", {"Records"}},
      {"badutf8", {"UTF-8"}},      {"duplicaterecords", {"duplicate \"Records\" key"}},
  };
  for (const auto& [name, words] : reasons) {
    std::string line = RejectLine(run.out, BadKey(name));
    ASSERT_FALSE(line.empty()) << name << " not reported in:\n" << run.out;
    for (const auto& word : words) EXPECT_NE(line.find(word), std::string::npos) << line;
  }
  // A record that is not an object does not qualify; one of the wrong shape is a malformed record.
  for (const char* name : {"recordnotobject", "wrongtype", "mixed"}) EXPECT_TRUE(RejectLine(run.out, BadKey(name)).empty());
  EXPECT_NE(run.out.find("malformed record: " + BadKey("wrongtype") +
                         R"(: record 0: field "userIdentity": expected object, got string: {"eventVersion")"),
            std::string::npos) << run.out;
  EXPECT_NE(run.out.find("malformed record: " + BadKey("mixed") + R"(: record 2: field "eventTime": "0999-05-21T10:00:00Z" is implausible)"),
            std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2 malformed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("objects: " + std::to_string(good_keys_.size() + 3) + " new, 0 already ingested, 8 rejected"),
            std::string::npos) << run.out;
  EXPECT_EQ(CountRows(warehouse()), LoadGroundTruth(bucket())["qualifying_events"].get<int64_t>() + 1);
  EXPECT_EQ(QueryJson(warehouse(), std::string("SELECT 1 AS one FROM adx_for_s3_metrics WHERE eventID = '") +
                                       kMixedGoodId + "'").size(), 1u);
}

TEST_F(BadInputIntegrationTest, MalformedRecordsAreQuarantinedListedByRejectsAndTheirObjectsNotReadAgain) {
  CommandResult run = IngestCli(bucket(), warehouse());
  EXPECT_EQ(run.exit_code, 3) << run.out;
  CommandResult listed = RunCli({"rejects", "--warehouse", warehouse().string(), "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto rows = nlohmann::json::parse(listed.out);
  std::map<std::string, nlohmann::json> records;  // By key, the malformed records only.
  for (const auto& row : rows) {
    if (row["status"] == "malformed record") records[row["key"].get<std::string>()] = row;
  }
  ASSERT_EQ(records.size(), 2u) << listed.out;
  const auto& mixed = records.at(BadKey("mixed"));
  EXPECT_EQ(mixed["record"], "2");
  EXPECT_NE(mixed["reason"].get<std::string>().find("implausible"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(mixed["raw_json"].get<std::string>())["eventID"], "c0ffee00-0000-4000-8000-0000000000b2");
  EXPECT_EQ(records.at(BadKey("wrongtype"))["record"], "0");
  // The objects holding them are processed: the next run reads neither again, and the ledger
  // still lists their records.
  CommandResult again = IngestCli(bucket(), warehouse());
  EXPECT_NE(again.out.find("0 malformed"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("malformed record: "), std::string::npos) << again.out;
  listed = RunCli({"rejects", "--warehouse", warehouse().string(), "--format", "csv"});
  EXPECT_NE(listed.out.find(BadKey("mixed")), std::string::npos) << listed.out;
}

TEST_F(BadInputIntegrationTest, RejectsAreRetriedOnLaterRunsAndARepairedFileIngests) {
  ASSERT_EQ(IngestCli(bucket(), warehouse()).exit_code, 3);
  int64_t rows = CountRows(warehouse());
  std::string dump = DumpDataset(warehouse());
  CommandResult again = IngestCli(bucket(), warehouse());
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_NE(again.out.find("objects: 0 new, " + std::to_string(good_keys_.size() + 3) + " already ingested, 8 rejected"),
            std::string::npos) << again.out;
  EXPECT_EQ(DumpDataset(warehouse()), dump) << "a failed retry must not change the dataset";

  // Repair one object: it now holds one valid qualifying record with a new eventID.
  std::string fixed = Gzip(R"({"Records":[)" + Record("c0ffee00-0000-4000-8000-0000000000aa") + "]}");
  ASSERT_TRUE(WriteFile(bucket() / BadKey("notjson"), fixed, false).ok());
  CommandResult repaired = IngestCli(bucket(), warehouse());
  EXPECT_EQ(repaired.exit_code, 3);
  EXPECT_TRUE(RejectLine(repaired.out, BadKey("notjson")).empty()) << repaired.out;
  EXPECT_NE(repaired.out.find("objects: 1 new"), std::string::npos) << repaired.out;
  EXPECT_EQ(CountRows(warehouse()), rows + 1);
  auto row = QueryJson(warehouse(), "SELECT subscriber_account_id AS s, source_log_file AS f FROM adx_for_s3_metrics "
                                    "WHERE eventID = 'c0ffee00-0000-4000-8000-0000000000aa'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0]["s"], "999988887777");
  EXPECT_EQ(row[0]["f"], BadKey("notjson"));

  // Once every bad object is gone, the run is clean.
  for (const auto& [name, bytes] : bad_) std::filesystem::remove(bucket() / BadKey(name));
  CommandResult clean = IngestCli(bucket(), warehouse());
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_EQ(CountRows(warehouse()), rows + 1);
}

}  // namespace
}  // namespace adxm::testing

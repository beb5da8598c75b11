// Clear messages: each names the thing and the reason, and the exit code says what happened.
#include <gtest/gtest.h>

#include "base/file_util.h"
#include "dataset_checks.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDay = "AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/21/";

class ClearMessagesIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GenerateBucket(bucket(), {"--seed", "61", "--start", "2023-05-21", "--days", "1", "--events-per-day", "60"});
  }
  fs::path bucket() const { return scratch_.path() / "bucket"; }
  fs::path warehouse() const { return scratch_.path() / "wh"; }

  ScratchDir scratch_;
};

TEST_F(ClearMessagesIntegrationTest, ANonUtf8FileNameIsPrintedEscaped) {
  std::string name = std::string(kDay) + "111122223333_CloudTrail_us-east-1_20230521T2350Z_caf\xe9" "00000000000.json.gz";
  ASSERT_TRUE(WriteFile(bucket() / name, Gzip(R"({"Records":[]})"), false).ok());
  CommandResult run = IngestCli(bucket(), warehouse());
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.out.find("rejected: " + std::string(kDay) +
                         "111122223333_CloudTrail_us-east-1_20230521T2350Z_caf\\xe900000000000.json.gz: key is not valid UTF-8"),
            std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("\xe9"), std::string::npos);
}

TEST_F(ClearMessagesIntegrationTest, AByteOrderMarkBeforeTheJsonIsAccepted) {
  std::string record =
      R"({"eventTime":"2023-05-21T23:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",)"
      R"("userIdentity":{"type":"AWSAccount","principalId":"","accountId":"anonymous"},"eventID":"bom-event-1",)"
      R"("readOnly":true,"resources":[{"type":"AWS::S3::AccessPoint","accountId":"540564263739","ARN":"arn:aws:s3:us-east-1:540564263739:accesspoint/ap"}],)"
      R"("eventCategory":"Data","managementEvent":false})";
  std::string name = std::string(kDay) + "111122223333_CloudTrail_us-east-1_20230521T2355Z_bom0000000000000.json.gz";
  ASSERT_TRUE(WriteFile(bucket() / name, Gzip("\xEF\xBB\xBF{\"Records\":[" + record + "]}"), false).ok());
  CommandResult run = IngestCli(bucket(), warehouse());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(QueryJson(warehouse(), "SELECT 1 AS one FROM adx_for_s3_metrics WHERE eventID = 'bom-event-1'").size(), 1u);
}

TEST_F(ClearMessagesIntegrationTest, AWarehousePathThatIsAFileOrNotAWarehouseIsNamedAsSuch) {
  fs::path file = scratch_.path() / "file";
  ASSERT_TRUE(WriteFile(file, "x", false).ok());
  CommandResult ingest = IngestCli(bucket(), file);
  EXPECT_EQ(ingest.exit_code, 1);
  EXPECT_NE(ingest.err.find("warehouse " + file.string() + ": is a file, not a directory"), std::string::npos) << ingest.err;
  CommandResult query = RunCli({"query", "--warehouse", file.string(), "SELECT 1"});
  EXPECT_EQ(query.exit_code, 1);
  EXPECT_NE(query.err.find("warehouse " + file.string() + ": is a file, not a directory"), std::string::npos) << query.err;
  // A folder ingest never wrote to is not an empty dataset.
  CommandResult not_warehouse = RunCli({"query", "--warehouse", bucket().string(), "SELECT count(*) FROM adx_for_s3_metrics"});
  EXPECT_EQ(not_warehouse.exit_code, 1);
  EXPECT_NE(not_warehouse.err.find("not an adxmetrics warehouse"), std::string::npos) << not_warehouse.err;
}

TEST_F(ClearMessagesIntegrationTest, EmptySqlIsAUsageError) {
  ASSERT_EQ(IngestCli(bucket(), warehouse()).exit_code, 0);
  for (const std::string sql : {"", "  \n ", ";"}) {
    CommandResult run = RunCli({"query", "--warehouse", warehouse().string()}, sql);
    EXPECT_EQ(run.exit_code, 2) << "'" << sql << "': " << run.err;
    EXPECT_NE(run.err.find("no SQL given"), std::string::npos) << run.err;
  }
}

// DuckDB's read_parquet expands glob characters in paths; a warehouse under "wh[12]" would read a
// sibling "wh1" instead, so such a path is refused with the reason.
TEST_F(ClearMessagesIntegrationTest, AWarehousePathWithGlobCharactersIsRefusedWithTheReason) {
  fs::path globbed = scratch_.path() / "wh[12]";
  CommandResult ingest = IngestCli(bucket(), globbed);
  EXPECT_EQ(ingest.exit_code, 1);
  EXPECT_NE(ingest.err.find("the path holds *, ? or [, which DuckDB reads as a file pattern"), std::string::npos)
      << ingest.err;
  EXPECT_FALSE(fs::exists(globbed));
  // A warehouse moved to such a path is refused by query too (a sibling "wh1" would be read).
  ASSERT_EQ(IngestCli(bucket(), warehouse()).exit_code, 0);
  fs::rename(warehouse(), globbed);
  fs::create_directory(scratch_.path() / "wh1");
  CommandResult query = RunCli({"query", "--warehouse", globbed.string(), "SELECT count(*) FROM adx_for_s3_metrics"});
  EXPECT_EQ(query.exit_code, 1);
  EXPECT_NE(query.err.find("which DuckDB reads as a file pattern"), std::string::npos) << query.err;
  // Reached through a link from a plain path (the real path is what DuckDB reads), it works.
  fs::rename(globbed, warehouse());
  fs::create_directory_symlink(warehouse(), scratch_.path() / "link[1]");
  CommandResult linked = RunCli({"query", "--warehouse", (scratch_.path() / "link[1]").string(), "--format", "csv",
                                 "SELECT count(*) AS n FROM adx_for_s3_metrics"});
  EXPECT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_EQ(linked.out, "n\r\n" + std::to_string(CountRows(warehouse())) + "\r\n");
}

// query --timeout and --memory-limit reach the engine; their errors name the option to change.
TEST_F(ClearMessagesIntegrationTest, QueryTimeoutAndMemoryLimitAreOptions) {
  ASSERT_EQ(IngestCli(bucket(), warehouse()).exit_code, 0);
  CommandResult slow = RunCli({"query", "--warehouse", warehouse().string(), "--timeout", "0.3",
                               "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b"});
  EXPECT_EQ(slow.exit_code, 1);
  EXPECT_NE(slow.err.find("query timed out after 0.3 s (raise --timeout, or 0 for no limit)"), std::string::npos) << slow.err;
  CommandResult big = RunCli({"query", "--warehouse", warehouse().string(), "--memory-limit", "32MB",
                              "SELECT length(list(range)) FROM range(100000000)"});
  EXPECT_EQ(big.exit_code, 1);
  EXPECT_NE(big.err.find("raise --memory-limit"), std::string::npos) << big.err;
  CommandResult bad = RunCli({"query", "--warehouse", warehouse().string(), "--memory-limit", "lots", "SELECT 1"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("memory limit \"lots\": not a size"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace adxm::testing

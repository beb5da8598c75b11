// The CLI's contract: --help everywhere, exit codes, option effects.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "dataset_checks.h"

namespace adxm::testing {
namespace {

TEST(CliIntegrationTest, EverySubcommandHasHelp) {
  for (const char* command : {"generate", "ingest", "query", "demo", "schema"}) {
    CommandResult result = RunCli({command, "--help"});
    EXPECT_EQ(result.exit_code, 0) << command;
    EXPECT_NE(result.out.find("--help"), std::string::npos) << command << ": " << result.out;
  }
  CommandResult top = RunCli({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("ingest"), std::string::npos);
}

TEST(CliIntegrationTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunCli({}).exit_code, 2);
  EXPECT_EQ(RunCli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunCli({"ingest", "--source", "x"}).exit_code, 2) << "missing --warehouse";
  EXPECT_EQ(RunCli({"query", "--warehouse", "x", "--format", "xml", "SELECT 1"}).exit_code, 2);
  CommandResult accounts = RunCli({"ingest", "--source", "/tmp", "--warehouse", "/tmp/x", "--adx-accounts", "12,abc"});
  EXPECT_EQ(accounts.exit_code, 2);
  EXPECT_NE(accounts.err.find("'12' is not a 12-digit AWS account id"), std::string::npos) << accounts.err;
  EXPECT_EQ(RunCli({"generate", "--out", "/tmp/x", "--start", "2023-13-45"}).exit_code, 2);
}

TEST(CliIntegrationTest, MissingSourceFailsWithOneAndNamesIt) {
  ScratchDir dir;
  CommandResult result = IngestCli(dir.path() / "nope", dir.path() / "wh");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find((dir.path() / "nope").string()), std::string::npos) << result.err;
}

TEST(CliIntegrationTest, DuckDbIsLoadedOnlyByWhatReadsParquet) {
  ScratchDir dir;
  GenerateBucket(dir.path() / "b", {"--days", "2", "--events-per-day", "200"});
  const std::string bucket = (dir.path() / "b").string();
  const std::string wh = (dir.path() / "wh").string();
  const std::string missing = (dir.path() / "missing" / "libduckdb.so").string();
  const EnvVars no_duckdb = {{"ADXM_DUCKDB_LIBRARY", missing}};
  // A first ingest has nothing to dedup against and nothing to compact: it never loads DuckDB.
  CommandResult ingest = RunCommand({CliPath(), "ingest", "--source", bucket, "--warehouse", wh}, no_duckdb);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  // A query does: a library that cannot be loaded is an error naming the file, not a crash.
  CommandResult query = RunCommand({CliPath(), "query", "--warehouse", wh, "SELECT 1"}, no_duckdb);
  EXPECT_EQ(query.exit_code, 1);
  EXPECT_NE(query.err.find("cannot load DuckDB"), std::string::npos) << query.err;
  EXPECT_NE(query.err.find(missing), std::string::npos) << query.err;
  // A library that loads but is not DuckDB: named, with what it lacks.
  CommandResult not_duckdb = RunCommand({CliPath(), "query", "--warehouse", wh, "SELECT 1"},
                                        EnvVars{{"ADXM_DUCKDB_LIBRARY", "libc.so.6"}});
  EXPECT_EQ(not_duckdb.exit_code, 1);
  EXPECT_NE(not_duckdb.err.find("DuckDB library libc.so.6 lacks"), std::string::npos) << not_duckdb.err;
  EXPECT_NE(not_duckdb.err.find("duckdb_"), std::string::npos) << not_duckdb.err;
  // With the library, the rows that ingest wrote are all there.
  EXPECT_EQ(CountRows(dir.path() / "wh"), LoadGroundTruth(dir.path() / "b")["qualifying_events"].get<int64_t>());
}

TEST(CliIntegrationTest, LibcurlIsLoadedOnlyByWhatUsesHttp) {
  ScratchDir dir;
  GenerateBucket(dir.path() / "b", {"--days", "1", "--events-per-day", "50"});
  // The dynamic loader names every library it opens on stderr (LD_DEBUG=files).
  CommandResult ingest = RunCommand({CliPath(), "ingest", "--source", (dir.path() / "b").string(), "--warehouse",
                                     (dir.path() / "wh").string()},
                                    EnvVars{{"LD_DEBUG", "files"}});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.err.find("file=libsimdjson"), std::string::npos) << "no loader trace: " << ingest.err;
  EXPECT_EQ(ingest.err.find("libcurl"), std::string::npos) << ingest.err;
  // An S3 location does load it (the request fails: nothing listens on port 9 here).
  CommandResult s3 = RunCommand({CliPath(), "ingest", "--source", "s3://bucket/AWSLogs/", "--warehouse",
                                 (dir.path() / "wh").string(), "--s3-endpoint", "http://127.0.0.1:9",
                                 "--s3-attempts", "1"},
                                EnvVars{{"LD_DEBUG", "files"}, {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                        {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                                        {"AWS_EC2_METADATA_DISABLED", "true"}});
  EXPECT_NE(s3.exit_code, 0);
  EXPECT_NE(s3.err.find("file=libcurl.so.4"), std::string::npos) << s3.err;
}

TEST(CliIntegrationTest, QueryRefusesWritesAndReadsSqlFromStdinOrFile) {
  ScratchDir dir;
  GenerateBucket(dir.path() / "b", {"--days", "1", "--events-per-day", "50"});
  ASSERT_EQ(IngestCli(dir.path() / "b", dir.path() / "wh").exit_code, 0);
  auto wh = (dir.path() / "wh").string();
  CommandResult copy = RunCli({"query", "--warehouse", wh, "COPY (SELECT 1) TO '" + wh + "/x.csv'"});
  EXPECT_EQ(copy.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "wh" / "x.csv"));
  CommandResult create = RunCli({"query", "--warehouse", wh, "CREATE TABLE t AS SELECT 1"});
  EXPECT_EQ(create.exit_code, 1);
  EXPECT_NE(create.err.find("read-only"), std::string::npos) << create.err;
  CommandResult piped = RunCli({"query", "--warehouse", wh, "--format", "csv"}, "SELECT 40 + 2 AS answer");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, "answer\r\n42\r\n");
  std::ofstream(dir.path() / "q.sql") << "SELECT count(*) > 0 AS has_rows FROM adx_for_s3_metrics";
  CommandResult file = RunCli({"query", "--warehouse", wh, "--format", "json", "--file", (dir.path() / "q.sql").string()});
  EXPECT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(nlohmann::json::parse(file.out)[0]["has_rows"], true);
}

TEST(CliIntegrationTest, AllAccessPointsAlsoCountsNonAdxAccessPoints) {
  ScratchDir dir;
  GenerateBucket(dir.path() / "b", {"--seed", "3", "--days", "2", "--events-per-day", "500"});
  nlohmann::json truth = LoadGroundTruth(dir.path() / "b");
  ASSERT_GT(truth["qualifying_events_all_access_points"].get<int64_t>(), truth["qualifying_events"].get<int64_t>());
  ASSERT_EQ(IngestCli(dir.path() / "b", dir.path() / "all", {"--all-access-points"}).exit_code, 0);
  EXPECT_EQ(CountRows(dir.path() / "all"), truth["qualifying_events_all_access_points"].get<int64_t>());
  // Naming only the provider's own account as "ADX" keeps exactly the non-ADX access points' events.
  ASSERT_EQ(IngestCli(dir.path() / "b", dir.path() / "own", {"--adx-accounts", truth["provider_account"]}).exit_code, 0);
  EXPECT_EQ(CountRows(dir.path() / "own"), truth["qualifying_events_all_access_points"].get<int64_t>() -
                                               truth["qualifying_events"].get<int64_t>());
}

TEST(CliIntegrationTest, FrequentCommitsAreCompactedToAFewFilesPerDay) {
  ScratchDir dir;
  GenerateBucket(dir.path() / "b", {"--seed", "4", "--days", "3", "--events-per-day", "400"});
  CommandResult run = IngestCli(dir.path() / "b", dir.path() / "wh", {"--commit-objects", "20", "--max-files-per-day", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, int> files_per_day;
  for (const auto& file : DataFilesOnDisk(dir.path() / "wh")) ++files_per_day[file.substr(0, file.rfind('/'))];
  ASSERT_FALSE(files_per_day.empty());
  for (const auto& [day, count] : files_per_day) EXPECT_LE(count, 3) << day;
  EXPECT_EQ(CountRows(dir.path() / "wh"), LoadGroundTruth(dir.path() / "b")["qualifying_events"].get<int64_t>());
}

}  // namespace
}  // namespace adxm::testing

namespace adxm::testing {
namespace {

TEST(CliIntegrationTest, DemoAnswersTheSampleQueriesAsTheGroundTruthDoesAndCanRunAgain) {
  ScratchDir dir;
  for (int run = 0; run < 2; ++run) {
    CommandResult demo = RunCli({"demo", "--dir", (dir.path() / "demo").string()});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    EXPECT_NE(demo.out.find("query 1 matches, query 2 matches"), std::string::npos) << demo.out;
    EXPECT_NE(demo.out.find("where year='2023'and month ='05' and subscriber_account_id != 'anonymous'"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace adxm::testing

// generate -> ingest -> query, checked against the generator's ground truth, plus the
// incremental guarantees: reruns, late files, copies under another name, the lock.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/file_util.h"
#include "db/duckdb.h"
#include "query/query_table.h"
#include "warehouse/local_store.h"
#include "warehouse/warehouse.h"
#include "dataset_checks.h"

namespace adxm::testing {
namespace {

constexpr char kSampleQuery1[] =
    "SELECT distinct subscriber_account_id FROM \"adx_metrics_curated\".\"adx_for_s3_metrics\"\n"
    "where year='2023'and month ='05' and subscriber_account_id != 'anonymous'";
constexpr char kSampleQuery2[] =
    "SELECT eventName, count(1) as eventCount FROM \"adx_metrics_curated\".\"adx_for_s3_metrics\"\n"
    "where year='2023'and month ='05' and subscriber_account_id != 'anonymous' group by eventName order by "
    "eventCount desc";

// One generated bucket shared by the suite: 2023-05-20 .. 2023-06-08 spans two months.
class EndToEndIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir();
    GenerateBucket(bucket(), {"--seed", "7", "--start", "2023-05-20", "--days", "20", "--events-per-day", "400",
                              "--subscribers", "9"});
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::filesystem::path bucket() { return dir_->path() / "bucket"; }

  ScratchDir scratch_;
  std::filesystem::path warehouse() const { return scratch_.path() / "wh"; }

 private:
  static ScratchDir* dir_;
};
ScratchDir* EndToEndIntegrationTest::dir_ = nullptr;

const nlohmann::json& TruthMonth(const nlohmann::json& truth, const std::string& year, const std::string& month) {
  for (const auto& entry : truth["months"]) {
    if (entry["year"] == year && entry["month"] == month) return entry;
  }
  static const nlohmann::json kEmpty = nlohmann::json::object();
  ADD_FAILURE() << "ground truth has no " << year << "-" << month;
  return kEmpty;
}

TEST_F(EndToEndIntegrationTest, SampleQueriesVerbatimEqualGroundTruth) {
  CommandResult ingest = IngestCli(bucket(), warehouse(), {"--threads", "2"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out << ingest.err;
  nlohmann::json truth = LoadGroundTruth(bucket());
  const nlohmann::json& may = TruthMonth(truth, "2023", "05");

  std::set<std::string> subscribers;
  for (const auto& row : QueryJson(warehouse(), kSampleQuery1)) subscribers.insert(row["subscriber_account_id"]);
  EXPECT_EQ(subscribers, may["distinct_subscribers"].get<std::set<std::string>>());

  std::map<std::string, int64_t> counts;
  int64_t previous = INT64_MAX;
  for (const auto& row : QueryJson(warehouse(), kSampleQuery2)) {
    counts[row["eventName"]] = row["eventCount"];
    EXPECT_LE(row["eventCount"].get<int64_t>(), previous) << "ordered by eventCount desc";
    previous = row["eventCount"];
  }
  EXPECT_EQ(counts, (may["event_counts"].get<std::map<std::string, int64_t>>()));
  EXPECT_EQ(CountRows(warehouse()), truth["qualifying_events"].get<int64_t>());
}

TEST_F(EndToEndIntegrationTest, BytesPerSubscriberAndDaysEqualGroundTruth) {
  ASSERT_EQ(IngestCli(bucket(), warehouse()).exit_code, 0);
  nlohmann::json truth = LoadGroundTruth(bucket());
  for (const auto& month : truth["months"]) {
    std::map<std::string, int64_t> bytes;
    auto rows = QueryJson(warehouse(),
                          "SELECT subscriber_account_id AS s, sum(bytes_accessed) AS b FROM adx_for_s3_metrics "
                          "WHERE year = '" + month["year"].get<std::string>() + "' AND month = '" +
                              month["month"].get<std::string>() + "' GROUP BY 1 HAVING sum(bytes_accessed) > 0");
    for (const auto& row : rows) bytes[row["s"]] = row["b"];
    std::map<std::string, int64_t> want;
    for (const auto& [account, total] : month["bytes_per_subscriber"].items()) {
      if (total.get<int64_t>() > 0) want[account] = total;
    }
    EXPECT_EQ(bytes, want) << month["year"] << "-" << month["month"];
  }
  std::map<std::string, int64_t> days;
  for (const auto& row : QueryJson(warehouse(), "SELECT year || '-' || month || '-' || day AS d, count(*) AS n "
                                                "FROM adx_for_s3_metrics GROUP BY 1")) {
    days[row["d"]] = row["n"];
  }
  EXPECT_EQ(days, (truth["days"].get<std::map<std::string, int64_t>>()));
}

TEST_F(EndToEndIntegrationTest, PartitionsAreZeroPaddedStringsFromEventTime) {
  ASSERT_EQ(IngestCli(bucket(), warehouse()).exit_code, 0);
  auto rows = QueryJson(warehouse(),
                        "SELECT count(*) AS bad FROM adx_for_s3_metrics WHERE year <> strftime(eventTime, '%Y') "
                        "OR month <> strftime(eventTime, '%m') OR day <> strftime(eventTime, '%d')");
  EXPECT_EQ(rows[0]["bad"], 0);
  auto types = QueryJson(warehouse(), "SELECT typeof(year) AS y, typeof(eventTime) AS t, min(month) AS m "
                                      "FROM adx_for_s3_metrics GROUP BY ALL");
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0]["y"], "VARCHAR");
  EXPECT_EQ(types[0]["t"], "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(types[0]["m"], "05");
}

TEST_F(EndToEndIntegrationTest, RerunAddsNothing) {
  ASSERT_EQ(IngestCli(bucket(), warehouse()).exit_code, 0);
  std::string before = DumpDataset(warehouse());
  auto files_before = DataFilesOnDisk(warehouse());
  CommandResult again = IngestCli(bucket(), warehouse());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("objects: 0 new"), std::string::npos) << again.out;
  EXPECT_EQ(DumpDataset(warehouse()), before);
  EXPECT_EQ(DataFilesOnDisk(warehouse()), files_before);
}

TEST_F(EndToEndIntegrationTest, CopyUnderAnotherNameAddsNothing) {
  ScratchDir copy;
  std::filesystem::copy(bucket(), copy.path() / "b", std::filesystem::copy_options::recursive);
  ASSERT_EQ(IngestCli(copy.path() / "b", warehouse()).exit_code, 0);
  int64_t rows = CountRows(warehouse());
  std::string key = LogKeys(copy.path() / "b")[5];
  std::string renamed = key.substr(0, key.size() - 16) + "ZZZZcopy.json.gz";
  std::filesystem::copy_file(copy.path() / "b" / key, copy.path() / "b" / renamed);
  CommandResult again = IngestCli(copy.path() / "b", warehouse());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("objects: 1 new"), std::string::npos) << again.out;
  EXPECT_EQ(CountRows(warehouse()), rows);
}

TEST_F(EndToEndIntegrationTest, LateFileForAnOldDayAddsExactlyItsNewEvents) {
  ScratchDir copy;
  auto source = copy.path() / "b";
  std::filesystem::copy(bucket(), source, std::filesystem::copy_options::recursive);
  // Hold back one log file, ingest everything else, then deliver it late. The largest file is a
  // busy window, so it surely holds qualifying events (a quiet night's file may hold only noise).
  std::vector<std::string> keys = LogKeys(source);
  std::string key = *std::max_element(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
    return std::filesystem::file_size(source / a) < std::filesystem::file_size(source / b);
  });
  auto held = copy.path() / "held.json.gz";
  std::filesystem::rename(source / key, held);
  ASSERT_EQ(IngestCli(source, warehouse()).exit_code, 0);
  const std::string per_day = "SELECT year||month||day AS d, count(*) AS n FROM adx_for_s3_metrics GROUP BY 1";
  std::map<std::string, int64_t> before, after;
  for (const auto& row : QueryJson(warehouse(), per_day)) before[row["d"]] = row["n"];
  // Later: the file arrives in today's folder, long after its events' day.
  auto late_dir = source / "AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/15";
  std::filesystem::create_directories(late_dir);
  std::filesystem::rename(held, late_dir / std::filesystem::path(key).filename());
  ASSERT_EQ(IngestCli(source, warehouse()).exit_code, 0);
  for (const auto& row : QueryJson(warehouse(), per_day)) after[row["d"]] = row["n"];
  // Everything now equals the ground truth, and only the held file's days grew.
  nlohmann::json truth = LoadGroundTruth(bucket());
  int64_t total_truth = truth["qualifying_events"], total_after = 0;
  for (const auto& [day, count] : after) total_after += count;
  EXPECT_EQ(total_after, total_truth);
  int64_t grown = 0;
  for (const auto& [day, count] : after) {
    EXPECT_GE(count, before[day]);
    grown += count - before[day];
  }
  EXPECT_GT(grown, 0) << "the held-back file should have held new events";
  EXPECT_EQ(CountRows(warehouse()), total_truth);
}

// Compaction copies the row groups of files written in the same run and re-encodes older files;
// a day mixing both must end up with every row exactly once.
TEST_F(EndToEndIntegrationTest, CompactionAcrossRunsKeepsEveryRowOnce) {
  ScratchDir scratch;
  auto source = scratch.path() / "b";
  auto aside = scratch.path() / "aside";
  std::filesystem::copy(bucket(), source, std::filesystem::copy_options::recursive);
  std::vector<std::string> keys = LogKeys(source);
  for (size_t i = 0; i < keys.size(); i += 2) {  // Hold back every other log file.
    std::filesystem::create_directories((aside / keys[i]).parent_path());
    std::filesystem::rename(source / keys[i], aside / keys[i]);
  }
  ASSERT_EQ(IngestCli(source, warehouse(), {"--commit-objects", "10", "--max-files-per-day", "1000"}).exit_code, 0);
  for (size_t i = 0; i < keys.size(); i += 2) std::filesystem::rename(aside / keys[i], source / keys[i]);
  CommandResult second = IngestCli(source, warehouse(), {"--commit-objects", "10", "--max-files-per-day", "2"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out.find(" 0 days compacted"), std::string::npos) << second.out;

  std::map<std::string, int> files_per_day;
  for (const auto& file : DataFilesOnDisk(warehouse())) ++files_per_day[file.substr(0, file.rfind('/'))];
  for (const auto& [day, count] : files_per_day) EXPECT_LE(count, 2) << day;
  // Small commits' row groups are merged, not copied: a compacted file has at most one row group
  // under 16,384 rows (read from the files' own metadata by a separate DuckDB).
  auto database = *Database::Open();
  auto connection = *database->Connect();
  for (const auto& file : DataFilesOnDisk(warehouse())) {
    std::string path = SqlQuote((TableDir(warehouse()) / file).string());
    auto small = connection->Query("SELECT count(*) FROM (SELECT row_group_id FROM parquet_metadata(" + path +
                                   ") GROUP BY row_group_id HAVING max(row_group_num_rows) < 16384)");
    ASSERT_TRUE(small.ok()) << small.status().ToString();
    auto table = QueryTable::Read(&*small);
    ASSERT_TRUE(table.ok());
    EXPECT_LE(std::stoll(*table->rows[0][0]), 1) << file;
  }
  // Same rows as one clean run; which copy of a duplicate is kept may differ between one run
  // and two, so the lineage columns are left out.
  ScratchDir clean;
  ASSERT_EQ(IngestCli(bucket(), clean.path() / "wh", {"--max-files-per-day", "1000"}).exit_code, 0);
  const std::string dump = "SELECT * EXCLUDE (source_log_file, log_region) FROM adx_for_s3_metrics ORDER BY eventID";
  CommandResult actual = RunCli({"query", "--warehouse", warehouse().string(), "--format", "csv", dump});
  CommandResult expected = RunCli({"query", "--warehouse", (clean.path() / "wh").string(), "--format", "csv", dump});
  ASSERT_EQ(actual.exit_code, 0) << actual.err;
  ASSERT_EQ(expected.exit_code, 0) << expected.err;
  EXPECT_TRUE(actual.out == expected.out) << "datasets differ";
  EXPECT_EQ(CountRows(warehouse()), LoadGroundTruth(bucket())["qualifying_events"].get<int64_t>());
}

// Dropping a day's eventID set and reloading it from the dataset changes nothing: the dataset
// equals the one built with every set in memory, lineage included.
TEST_F(EndToEndIntegrationTest, DedupWithOneDayInMemoryEqualsAllDays) {
  // A copy of an early log file, delivered last: by then its day's set has been dropped, so
  // only a reload can tell that all its events are already in.
  ScratchDir scratch;
  auto source = scratch.path() / "b";
  std::filesystem::copy(bucket(), source, std::filesystem::copy_options::recursive);
  std::string early = LogKeys(source).at(0);
  auto late_dir = source / "AWSLogs/111122223333/CloudTrail/us-east-1/2099/12/31";
  std::filesystem::create_directories(late_dir);
  std::filesystem::copy_file(source / early,
                             late_dir / "111122223333_CloudTrail_us-east-1_20991231T2355Z_ZZZZcopy00000000.json.gz");
  ASSERT_EQ(IngestCli(source, warehouse(), {"--max-files-per-day", "1000"}).exit_code, 0);
  CommandResult tight = IngestCli(source, scratch.path() / "wh",
                                  {"--max-files-per-day", "1000", "--max-loaded-days", "1", "--max-loaded-id-bytes", "0", "--commit-objects", "7"});
  ASSERT_EQ(tight.exit_code, 0) << tight.err;
  EXPECT_NE(tight.out.find("reloaded"), std::string::npos) << tight.out;
  nlohmann::json truth = LoadGroundTruth(bucket());
  EXPECT_EQ(CountRows(scratch.path() / "wh"), truth["qualifying_events"].get<int64_t>());
  EXPECT_TRUE(DumpDataset(scratch.path() / "wh") == DumpDataset(warehouse())) << "datasets differ";
}

TEST_F(EndToEndIntegrationTest, SecondConcurrentIngestFailsFastAndChangesNothing) {
  ASSERT_EQ(IngestCli(bucket(), warehouse(), {"--max-files-per-day", "100"}).exit_code, 0);
  std::string before = DumpDataset(warehouse());
  auto manifest_before = ManifestFiles(warehouse());
  // This process holds the warehouse the way a running ingest does.
  auto store = LocalStore::Open(warehouse());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto holder = Warehouse::OpenForWrite(store->get(), {});
  ASSERT_TRUE(holder.ok()) << holder.status().ToString();
  CommandResult second = IngestCli(bucket(), warehouse());
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another ingest holds this warehouse"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("pid " + std::to_string(::getpid())), std::string::npos) << second.err;
  holder->reset();
  EXPECT_EQ(ManifestFiles(warehouse()), manifest_before);
  EXPECT_EQ(DumpDataset(warehouse()), before);
}

}  // namespace
}  // namespace adxm::testing

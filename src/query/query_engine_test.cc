#include "query/query_engine.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "warehouse/legacy_manifest.h"
#include "schema/schema.h"
#include "test_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;
using ::adxm::testing::ScratchDir;

// One curated row; the columns not named here are NULL.
struct TestEvent {
  std::string event_id;
  std::string event_name;
  std::string event_time;  // UTC, "2023-05-01 10:00:00".
  std::string subscriber;
  int64_t bytes;
};

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string InsertSql(const std::vector<TestEvent>& events) {
  std::string sql = "INSERT INTO t (" + Quoted(kColumns[kEventId].name) + ", " + Quoted(kColumns[kEventName].name) +
                    ", " + Quoted(kColumns[kEventTime].name) + ", " + Quoted(kColumns[kSubscriberAccountId].name) +
                    ", " + Quoted(kColumns[kBytesAccessed].name) + ") VALUES ";
  for (size_t event_idx = 0; event_idx < events.size(); ++event_idx) {
    const TestEvent& event = events[event_idx];
    sql += (event_idx > 0 ? ", (" : "(") + SqlQuote(event.event_id) + ", " + SqlQuote(event.event_name) + ", " +
           SqlQuote(event.event_time + "+00") + ", " + SqlQuote(event.subscriber) + ", " +
           std::to_string(event.bytes) + ")";
  }
  return sql;
}

// Write `events` as a Parquet file at `table_dir/relative` (partitions live in the path only).
void WriteParquet(const fs::path& table_dir, const std::string& relative, const std::vector<TestEvent>& events) {
  ASSERT_TRUE(CreateDirs((table_dir / relative).parent_path()).ok());
  auto db = Database::Open();
  ASSERT_TRUE(db.ok());
  auto conn = (*db)->Connect();
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Execute(CreateTableSql("t")).ok());
  Status insert = (*conn)->Execute(InsertSql(events));
  ASSERT_TRUE(insert.ok()) << insert.ToString();
  ASSERT_TRUE((*conn)->Execute("COPY t TO " + SqlQuote((table_dir / relative).string()) + " (FORMAT parquet)").ok());
}

// Paths of a warehouse written with the single-file manifest of format 1 (still readable).
struct Format1Layout {
  explicit Format1Layout(fs::path root) : root_(std::move(root)) {}
  fs::path table_dir() const { return root_ / "adx_for_s3_metrics"; }
  fs::path meta_dir() const { return root_ / "_adxmetrics"; }
  fs::path manifest_path() const { return meta_dir() / "manifest"; }
  fs::path root_;
};

void WriteManifest(const Format1Layout& layout, const std::vector<std::string>& files) {
  CommitRecord record;
  record.txn = 1;
  record.objects.push_back({"AWSLogs/log-1.json.gz", 100, "etag", 6, 6, 0});
  record.added_files = files;
  ASSERT_TRUE(CreateDirs(layout.meta_dir()).ok());
  ASSERT_TRUE(WriteFile(layout.manifest_path(), LegacyManifest::EncodeLine(record), false).ok());
}

// Every path below `dir` with its content (empty for directories), for checking that nothing changed.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    files[entry.path().string()] = entry.is_regular_file() ? ReadFile(entry.path()).value() : "";
  }
  return files;
}

class QueryEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Format1Layout layout(scratch_.path());
    fs::path table = layout.table_dir();
    WriteParquet(table, "year=2023/month=05/day=01/part-1-0.parquet",
                 {{"e1", "GetObject", "2023-05-01 10:00:00", "111111111111", 100},
                  {"e2", "GetObject", "2023-05-01 11:00:00", "222222222222", 200},
                  {"e3", "HeadObject", "2023-05-01 12:00:00", "anonymous", 0}});
    WriteParquet(table, "year=2023/month=05/day=02/part-1-0.parquet",
                 {{"e4", "ListObjects", "2023-05-02 08:00:00", "111111111111", 50},
                  {"e5", "GetObject", "2023-05-02 09:30:00.5", "333333333333", 300}});
    WriteParquet(table, "year=2023/month=06/day=01/part-1-0.parquet",
                 {{"e6", "GetObject", "2023-06-01 00:00:00", "444444444444", 400}});
    // Written but never committed (an interrupted ingest): the engine must not see it.
    WriteParquet(table, "year=2023/month=05/day=03/part-2-0.parquet",
                 {{"e7", "GetObject", "2023-05-03 00:00:00", "999999999999", 900}});
    WriteManifest(layout, {"year=2023/month=05/day=01/part-1-0.parquet", "year=2023/month=05/day=02/part-1-0.parquet",
                           "year=2023/month=06/day=01/part-1-0.parquet"});
    auto engine = QueryEngine::Open(scratch_.path());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
  }

  fs::path LiveFile() const {
    return Format1Layout(scratch_.path()).table_dir() / "year=2023/month=05/day=01/part-1-0.parquet";
  }

  QueryTable Run(std::string_view sql) {
    auto table = engine_->Run(sql);
    EXPECT_TRUE(table.ok()) << sql << ": " << table.status().ToString();
    return table.ok() ? std::move(*table) : QueryTable();
  }

  std::vector<std::string> Values(std::string_view sql, size_t column_idx = 0) {
    std::vector<std::string> values;
    for (const auto& row : Run(sql).rows) values.push_back(row[column_idx].value_or("NULL"));
    return values;
  }

  ScratchDir scratch_;
  std::unique_ptr<QueryEngine> engine_;
};

TEST_F(QueryEngineTest, SampleDistinctSubscribersQueryRunsVerbatim) {
  std::vector<std::string> subscribers = Values(
      R"(SELECT distinct subscriber_account_id FROM "adx_metrics_curated"."adx_for_s3_metrics"
where year='2023'and month ='05' and subscriber_account_id != 'anonymous')");
  std::sort(subscribers.begin(), subscribers.end());
  EXPECT_EQ(subscribers, (std::vector<std::string>{"111111111111", "222222222222", "333333333333"}));
}

TEST_F(QueryEngineTest, SampleEventCountQueryRunsVerbatim) {
  QueryTable table = Run(
      R"(SELECT eventName, count(1) as eventCount FROM "adx_metrics_curated"."adx_for_s3_metrics"
where year='2023'and month ='05' and subscriber_account_id != 'anonymous' group by eventName order by eventCount desc)");
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"eventName", "eventCount"}));
  EXPECT_EQ(table.column_types, (std::vector<std::string>{"VARCHAR", "BIGINT"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<Cell>{"GetObject", "3"}));
  EXPECT_EQ(table.rows[1], (std::vector<Cell>{"ListObjects", "1"}));
}

TEST_F(QueryEngineTest, ViewHasCuratedColumnsThenPartitions) {
  QueryTable table = Run("SELECT * FROM adx_for_s3_metrics LIMIT 0");
  std::vector<std::string> expected;
  for (const Column& column : kColumns) expected.emplace_back(column.name);
  for (std::string_view partition : kPartitionColumns) expected.emplace_back(partition);
  EXPECT_EQ(table.column_names, expected);
  EXPECT_EQ(table.column_types[kEventTime], "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(table.column_types[kBytesAccessed], "BIGINT");
  EXPECT_EQ(table.column_types.back(), "VARCHAR");
}

TEST_F(QueryEngineTest, PartitionsAreZeroPaddedStrings) {
  EXPECT_EQ(Values("SELECT DISTINCT month || '/' || day || ' ' || typeof(month) FROM adx_for_s3_metrics ORDER BY 1"),
            (std::vector<std::string>{"05/01 VARCHAR", "05/02 VARCHAR", "06/01 VARCHAR"}));
  EXPECT_EQ(Values("SELECT count(*) FROM adx_for_s3_metrics WHERE month = '05'"), std::vector<std::string>{"5"});
}

TEST_F(QueryEngineTest, TimestampsRenderInUtc) {
  EXPECT_EQ(Values("SELECT eventTime FROM adx_for_s3_metrics WHERE eventID IN ('e1', 'e5') ORDER BY 1"),
            (std::vector<std::string>{"2023-05-01 10:00:00+00", "2023-05-02 09:30:00.5+00"}));
}

TEST_F(QueryEngineTest, FilesNotInTheManifestAreNotRead) {
  EXPECT_EQ(engine_->file_count(), 3u);
  EXPECT_EQ(Values("SELECT count(*), sum(bytes_accessed) FROM adx_for_s3_metrics"), std::vector<std::string>{"6"});
  EXPECT_EQ(Values("SELECT count(*) FROM adx_for_s3_metrics WHERE eventID = 'e7'"), std::vector<std::string>{"0"});
  fs::path uncommitted = Format1Layout(scratch_.path()).table_dir() / "year=2023/month=05/day=03/part-2-0.parquet";
  EXPECT_FALSE(engine_->Run("SELECT * FROM read_parquet(" + SqlQuote(uncommitted.string()) + ")").ok());
}

TEST_F(QueryEngineTest, MultipleStatementsReturnTheLastResult) {
  QueryTable table = Run("SELECT 1; SELECT 'two' AS answer;");
  EXPECT_EQ(table.column_names, std::vector<std::string>{"answer"});
  EXPECT_EQ(table.rows, (std::vector<std::vector<Cell>>{{"two"}}));
}

TEST_F(QueryEngineTest, DescribeShowSummarizeAndExplainAreAllowed) {
  EXPECT_EQ(Run("DESCRIBE adx_for_s3_metrics").rows.size(), kColumns.size() + kPartitionColumns.size());
  EXPECT_FALSE(Run("SHOW TABLES").rows.empty());
  EXPECT_FALSE(Run("SUMMARIZE SELECT bytes_accessed FROM adx_for_s3_metrics").rows.empty());
  EXPECT_EQ(Run("EXPLAIN SELECT count(*) FROM adx_for_s3_metrics").column_names[0], "explain_key");
  EXPECT_EQ(Run("EXPLAIN ANALYZE SELECT count(*) FROM adx_for_s3_metrics").column_names[0], "explain_key");
}

TEST_F(QueryEngineTest, WritingStatementsAreRejectedBeforeAnythingRuns) {
  std::string table_dir = SqlQuote((Format1Layout(scratch_.path()).table_dir() / "x").string());
  std::string live = SqlQuote(LiveFile().string());
  std::map<std::string, std::string> before = Snapshot(scratch_.path());
  for (const std::string& sql : std::vector<std::string>{
           "COPY (SELECT 1) TO " + table_dir, "SELECT 1; COPY (SELECT 1) TO " + table_dir,
           "CREATE TABLE t AS SELECT 1", "CREATE OR REPLACE VIEW adx_for_s3_metrics AS SELECT 1",
           "INSERT INTO adx_for_s3_metrics (eventID) VALUES ('x')", "DROP VIEW adx_for_s3_metrics",
           "ATTACH " + table_dir + " AS other", "SET threads = 1", "RESET lock_configuration", "INSTALL httpfs",
           "LOAD httpfs", "EXPORT DATABASE " + table_dir, "CHECKPOINT", "PRAGMA enable_profiling",
           "EXPLAIN ANALYZE COPY (SELECT 1) TO " + table_dir, "EXPLAIN (ANALYZE) COPY (SELECT 1) TO " + table_dir,
           "SELECT 1; EXPLAIN ANALYZE SELECT 1", "COPY (SELECT 1) TO " + live,
           "EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO " + live + " (FORMAT parquet)", "EXPORT DATABASE " + live}) {
    auto result = engine_->Run(sql);
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << sql;
  }
  EXPECT_EQ(Snapshot(scratch_.path()), before);
  EXPECT_EQ(Values("SELECT count(*) FROM adx_for_s3_metrics"), std::vector<std::string>{"6"});
}

TEST_F(QueryEngineTest, RejectionNamesTheStatementType) {
  auto result = engine_->Run("SELECT 1; SET threads = 1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "only read-only statements (SELECT, EXPLAIN, DESCRIBE, SHOW) are allowed; got SET");
  EXPECT_NE(engine_->Run("COPY adx_for_s3_metrics TO " + SqlQuote(LiveFile().string())).status().message().find(
                "got COPY"),
            std::string::npos);
}

TEST_F(QueryEngineTest, FilesOutsideTheTableDirectoryCannotBeRead) {
  fs::path manifest = Format1Layout(scratch_.path()).manifest_path();
  fs::path sneaky = Format1Layout(scratch_.path()).table_dir() / ".." / "_adxmetrics" / "manifest";
  for (const std::string& sql :
       std::vector<std::string>{"SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_text(" + SqlQuote(manifest.string()) + ")",
        "SELECT * FROM read_text(" + SqlQuote(sneaky.string()) + ")"}) {
    EXPECT_FALSE(engine_->Run(sql).ok()) << sql;
  }
  EXPECT_EQ(Values("SELECT current_setting('enable_external_access')::VARCHAR || current_setting('lock_configuration')::VARCHAR"),
            std::vector<std::string>{"falsetrue"});
}

// DuckDB also grants its temporary folder, by default ".tmp/" of the working directory: whatever
// a user keeps there (or links there) must stay unreadable. The engine's own folder goes with it.
TEST_F(QueryEngineTest, TheWorkingDirectorysTmpFolderCannotBeReadAndTheSpillFolderIsPrivate) {
  fs::path work = scratch_.path() / "work";
  fs::create_directories(work / ".tmp");
  ASSERT_TRUE(WriteFile(work / ".tmp" / "secret.txt", "secret", false).ok());
  fs::create_symlink(Format1Layout(scratch_.path()).manifest_path(), work / ".tmp" / "link");
  const fs::path before = fs::current_path();
  fs::current_path(work);
  for (const char* sql : {"SELECT content FROM read_text('.tmp/secret.txt')", "SELECT content FROM read_text('.tmp/link')",
                          "SELECT * FROM glob('.tmp/*')"}) {
    auto result = engine_->Run(sql);
    EXPECT_TRUE(!result.ok() || result->rows.empty()) << sql;
  }
  fs::current_path(before);
  std::vector<std::string> spill = Values("SELECT current_setting('temp_directory')");
  ASSERT_EQ(spill.size(), 1u);
  EXPECT_TRUE(fs::equivalent(fs::path(spill[0]).parent_path(), fs::temp_directory_path())) << spill[0];
  EXPECT_EQ(Values("SELECT current_setting('allowed_directories')::VARCHAR"),
            std::vector<std::string>{"[" + spill[0] + "/]"});
  EXPECT_EQ(fs::status(spill[0]).permissions() & fs::perms::all, fs::perms::owner_all);
  engine_.reset();
  EXPECT_FALSE(fs::exists(spill[0]));
}

// A $TMPDIR that is no folder does not stop queries: the spill folder goes to /tmp.
TEST_F(QueryEngineTest, OpensWhenTmpdirIsNoFolder) {
  const char* saved = std::getenv("TMPDIR");
  const std::string previous = saved ? saved : "";
  ASSERT_EQ(::setenv("TMPDIR", (scratch_.path() / "missing").c_str(), 1), 0);
  auto engine = QueryEngine::Open(scratch_.path());
  if (saved) ::setenv("TMPDIR", previous.c_str(), 1); else ::unsetenv("TMPDIR");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto spill = (*engine)->Run("SELECT current_setting('temp_directory')");
  ASSERT_TRUE(spill.ok()) << spill.status().ToString();
  EXPECT_TRUE(spill->rows.at(0).at(0).value_or("").starts_with("/tmp/adxmetrics-query-")) << *spill->rows[0][0];
  auto count = (*engine)->Run("SELECT count(*) FROM adx_for_s3_metrics");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows.at(0).at(0).value_or(""), "6");
}

TEST_F(QueryEngineTest, RunPreparedBindsParametersAndRefusesWrites) {
  auto statement = engine_->connection()->Prepare("SELECT count(*) FROM adx_for_s3_metrics WHERE eventName = $1");
  ASSERT_TRUE(statement.ok());
  ASSERT_TRUE((*statement)->BindVarchar(1, "GetObject").ok());
  auto table = engine_->RunPrepared(statement->get());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->rows, (std::vector<std::vector<Cell>>{{"4"}}));
  auto copy = engine_->connection()->Prepare("COPY (SELECT 1) TO 'x.csv'");
  if (copy.ok()) {
    EXPECT_FALSE(engine_->RunPrepared(copy->get()).ok());
  }
}

TEST(QueryEngineOpenTest, MissingWarehouseIsNotFound) {
  ScratchDir scratch;
  auto engine = QueryEngine::Open(scratch.path() / "nope");
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kNotFound);
  EXPECT_NE(engine.status().message().find("nope"), std::string::npos);
}

// Clear messages: a directory ingest never wrote to, or a file, is not taken for an empty dataset.
TEST(QueryEngineOpenTest, ADirectoryThatIsNotAWarehouseOrAFileIsNamedAsSuch) {
  ScratchDir scratch;
  auto engine = QueryEngine::Open(scratch.path());
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().message(), "warehouse " + scratch.path().string() +
                                           ": not an adxmetrics warehouse (no _adxmetrics directory; "
                                           "`adxmetrics ingest` creates it)");
  ASSERT_TRUE(WriteFile(scratch.path() / "file", "x", false).ok());
  auto file = QueryEngine::Open(scratch.path() / "file");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "warehouse " + (scratch.path() / "file").string() + ": is a file, not a directory");
}

TEST(QueryEngineOpenTest, WarehouseWithoutCommitsIsAnEmptyDataset) {
  ScratchDir scratch;
  fs::create_directories(scratch.path() / "_adxmetrics");  // As an ingest of nothing leaves it.
  ASSERT_TRUE(WriteFile(scratch.path() / "_adxmetrics" / "LOCK", "", false).ok());
  QueryEngineOptions options;
  options.threads = 1;
  auto engine = QueryEngine::Open(scratch.path(), options);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto table = (*engine)->Run(
      R"(SELECT eventName, count(1) as eventCount FROM "adx_metrics_curated"."adx_for_s3_metrics"
where year='2023'and month ='05' and subscriber_account_id != 'anonymous' group by eventName order by eventCount desc)");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->column_names, (std::vector<std::string>{"eventName", "eventCount"}));
  EXPECT_TRUE(table->rows.empty());
  auto all = (*engine)->Run("SELECT * FROM adx_for_s3_metrics");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->column_names.size(), kColumns.size() + kPartitionColumns.size());
  EXPECT_EQ(all->column_types[kEventTime], "TIMESTAMP WITH TIME ZONE");
}

TEST(QueryEngineOpenTest, ManifestPathOutsideTheTableIsCorruption) {
  ScratchDir scratch;
  WriteManifest(Format1Layout(scratch.path()), {"../_adxmetrics/manifest"});
  auto engine = QueryEngine::Open(scratch.path());
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace adxm

namespace adxm {
namespace {

// An engine over an empty warehouse (a directory without a manifest) with `options`.
std::unique_ptr<QueryEngine> EmptyEngine(const testing::ScratchDir& dir, const QueryEngineOptions& options) {
  EXPECT_TRUE(CreateDirs(dir.path() / "_adxmetrics").ok());
  auto engine = QueryEngine::Open(dir.path(), options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(*engine) : nullptr;
}

TEST(QueryLimitsTest, InterruptsAQueryRunningPastTheTimeout) {
  testing::ScratchDir dir;
  QueryEngineOptions options;
  options.timeout_seconds = 0.2;
  auto engine = EmptyEngine(dir, options);
  ASSERT_NE(engine, nullptr);
  // 10^12 row pairs: hours of work, unless interrupted.
  auto result = engine->Run("SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(result.status().message(), "query timed out after 0.2 s (raise --timeout, or 0 for no limit)");
  // The engine stays usable, and quick queries are unaffected.
  auto quick = engine->Run("SELECT 42");
  ASSERT_TRUE(quick.ok()) << quick.status().ToString();
}

TEST(QueryLimitsTest, NamesTheMemoryLimitOptionWhenAQueryRunsOutOfMemory) {
  testing::ScratchDir dir;
  QueryEngineOptions options;
  options.memory_limit = "32MB";
  auto engine = EmptyEngine(dir, options);
  ASSERT_NE(engine, nullptr);
  auto result = engine->Run("SELECT length(list(range)) FROM range(100000000)");
  ASSERT_FALSE(result.ok());
  std::string message = result.status().message();
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable) << message;
  EXPECT_EQ(message.rfind("query ran out of memory (limit 32MB): raise --memory-limit", 0), 0u) << message;
  // No advice the user cannot follow: settings are locked.
  EXPECT_EQ(message.find("SET "), std::string::npos) << message;
  // The limit cannot be changed from SQL.
  EXPECT_FALSE(engine->Run("SET memory_limit = '10GB'").ok());
}

TEST(QueryLimitsTest, RejectsAMemoryLimitThatIsNotASize) {
  testing::ScratchDir dir;
  ASSERT_TRUE(CreateDirs(dir.path() / "_adxmetrics").ok());
  QueryEngineOptions options;
  options.memory_limit = "lots";
  auto engine = QueryEngine::Open(dir.path(), options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().message(), "memory limit \"lots\": not a size (e.g. 512MB, 4GB)");
}

}  // namespace
}  // namespace adxm

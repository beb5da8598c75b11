// The commit protocol as every reader sees it: crashes at every store operation, readers that run
// while ingests commit and compact, files the warehouse did not write, the rejection ledger and
// the migration of a format-1 warehouse. Expected rows come from the generator's ground truth or
// a clean run; visible files are read as Hive/Athena list them, with DuckDB, not through the manifest.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "base/file_util.h"
#include "cloudtrail/gzip.h"
#include "dataset_checks.h"
#include "db/duckdb.h"
#include "ingest/ingest.h"
#include "query/query_engine.h"
#include "query/query_table.h"
#include "source/log_source.h"
#include "warehouse/fault_injection_store.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "warehouse/manifest.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

// The files a Hive-style reader lists under the table folder: names starting with '_' or '.'
// (in any part of the path) are skipped.
std::vector<std::string> VisibleFiles(const fs::path& warehouse) {
  std::vector<std::string> files;
  fs::path table = TableDir(warehouse);
  if (!fs::exists(table)) return files;
  // Files come and go while ingests run: a listing is a moment, never an error.
  std::error_code error;
  const std::string prefix = table.string() + "/";
  for (auto it = fs::recursive_directory_iterator(table, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    std::string relative = it->path().string().substr(prefix.size());
    std::error_code type_error;
    if (it->is_regular_file(type_error) && !WarehouseLayout::IsHidden(relative)) files.push_back(relative);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// What identifies one version of a file: replacing a name makes a new inode.
struct FileStamp {
  uint64_t inode = 0;
  int64_t size = -1;
  bool operator==(const FileStamp&) const = default;
};

std::map<std::string, FileStamp> Stamps(const fs::path& warehouse, const std::vector<std::string>& files) {
  std::map<std::string, FileStamp> stamps;
  for (const std::string& file : files) {
    struct stat st {};
    if (::stat((TableDir(warehouse) / file).c_str(), &st) == 0) {
      stamps[file] = {static_cast<uint64_t>(st.st_ino), static_cast<int64_t>(st.st_size)};
    } else {
      stamps[file] = {};
    }
  }
  return stamps;
}

struct VisibleRows {
  Status status;
  int64_t rows = 0;
  int64_t distinct_ids = 0;
};

// Read every visible file directly with DuckDB's read_parquet([...]).
VisibleRows ReadVisible(Connection* connection, const fs::path& warehouse, const std::vector<std::string>& files) {
  VisibleRows result;
  if (files.empty()) return result;
  std::string list;
  for (const std::string& file : files) list += (list.empty() ? "" : ", ") + SqlQuote((TableDir(warehouse) / file).string());
  auto rows = connection->Query("SELECT count(*), count(DISTINCT eventID) FROM read_parquet([" + list + "])");
  if (!rows.ok()) {
    result.status = rows.status();
    return result;
  }
  auto table = QueryTable::Read(&*rows);
  if (!table.ok()) {
    result.status = table.status();
    return result;
  }
  result.rows = std::stoll(*table->rows[0][0]);
  result.distinct_ids = std::stoll(*table->rows[0][1]);
  return result;
}

// The dataset as text, read in-process through a snapshot (the crash loop runs it hundreds of times).
std::string Dump(const fs::path& warehouse) {
  auto engine = QueryEngine::Open(warehouse, QueryEngineOptions{1});
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  if (!engine.ok()) return "";
  auto table = (*engine)->Run("SELECT * FROM adx_for_s3_metrics ORDER BY eventID, source_log_file");
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok()) return "";
  std::string text;
  for (const auto& row : table->rows) {
    for (const auto& cell : row) text += cell.value_or("NULL") + "|";
    text += "\n";
  }
  return text;
}

IngestOptions SmallCommits() {
  IngestOptions options;
  options.threads = 1;
  options.max_objects_per_commit = 12;
  options.max_files_per_day = 2;
  options.retention_seconds = 0;  // Vacuum runs in the same ingest: its steps are crash points too.
  return options;
}

TEST(WarehouseCrashSlowTest, CrashAfterEveryStoreOperationThenRerunEqualsCleanRun) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "17", "--start", "2023-05-30", "--days", "2", "--events-per-day", "45"});
  auto source = *OpenLocalSource(bucket);
  const int64_t truth = LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>();

  auto clean = scratch.path() / "clean";
  uint64_t operations = 0;
  {
    FaultInjectionStore store(*LocalStore::Open(clean));
    auto report = Ingest(source.get(), &store, SmallCommits());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_GT(report->days_compacted, 0u);
    operations = store.operations();
  }
  const std::string clean_dump = Dump(clean);
  ASSERT_EQ(CountRows(clean), truth);
  ASSERT_GT(operations, 40u);

  auto database = *Database::Open();
  auto connection = *database->Connect();
  for (uint64_t k = 0; k < operations; ++k) {
    auto warehouse = scratch.path() / ("wh" + std::to_string(k));
    {
      FaultInjectionStore store(*LocalStore::Open(warehouse));
      store.CrashAfter(k);
      auto crashed = Ingest(source.get(), &store, SmallCommits());
      ASSERT_FALSE(crashed.ok()) << "k " << k << ": the run should have met the crash";
      ASSERT_TRUE(store.DropUnsyncedData().ok());
    }
    // Before any recovery: what a listing reader sees holds no event twice and only committed files.
    std::vector<std::string> visible = VisibleFiles(warehouse);
    VisibleRows rows = ReadVisible(connection.get(), warehouse, visible);
    ASSERT_TRUE(rows.status.ok()) << "k " << k << ": " << rows.status.ToString();
    EXPECT_EQ(rows.rows, rows.distinct_ids) << "k " << k << ": an event is visible twice";
    auto store = *LocalStore::Open(warehouse);
    auto manifest = Manifest::Open(store.get());
    ASSERT_TRUE(manifest.ok()) << "k " << k << ": " << manifest.status().ToString();
    for (const std::string& file : visible) {
      const ManifestState& state = (*manifest)->state();
      EXPECT_TRUE(state.live_files.count(file) + state.retained.count(file) > 0) << "k " << k << ": uncommitted " << file;
    }
    auto rerun = Ingest(source.get(), warehouse, SmallCommits());
    ASSERT_TRUE(rerun.ok()) << "k " << k << ": " << rerun.status().ToString();
    EXPECT_EQ(Dump(warehouse), clean_dump) << "k " << k;
    EXPECT_EQ(DataFilesOnDisk(warehouse), LiveFiles(warehouse)) << "k " << k;
    VisibleRows after = ReadVisible(connection.get(), warehouse, VisibleFiles(warehouse));
    EXPECT_EQ(after.rows, truth) << "k " << k << ": the visible files must hold exactly the dataset";
    fs::remove_all(warehouse);
  }
}

TEST(WarehouseCrashIntegrationTest, CompactionInterruptedByACrashIsFinishedByTheNextRun) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "3", "--days", "2", "--events-per-day", "200"});
  auto source = *OpenLocalSource(bucket);
  auto warehouse = scratch.path() / "wh";
  IngestOptions many_files = SmallCommits();
  many_files.max_files_per_day = 100000;
  ASSERT_TRUE(Ingest(source.get(), warehouse, many_files).ok());
  const std::string before = DumpDataset(warehouse);
  std::map<std::string, int> per_day;
  for (const std::string& file : LiveFiles(warehouse)) ++per_day[file.substr(0, file.rfind('/'))];
  ASSERT_GT(per_day.begin()->second, 2);
  {
    // Nothing new to ingest: the run's only writes are the compaction's; crash in its middle.
    FaultInjectionStore store(*LocalStore::Open(warehouse));
    store.CrashAfter(3);
    ASSERT_FALSE(Ingest(source.get(), &store, SmallCommits()).ok());
    ASSERT_TRUE(store.DropUnsyncedData().ok());
  }
  auto rerun = Ingest(source.get(), warehouse, SmallCommits());
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->objects_ingested, 0u);
  EXPECT_GT(rerun->days_compacted, 0u);
  per_day.clear();
  for (const std::string& file : LiveFiles(warehouse)) ++per_day[file.substr(0, file.rfind('/'))];
  for (const auto& [day, files] : per_day) EXPECT_LE(files, 2) << day;
  EXPECT_EQ(DumpDataset(warehouse), before);
}

// Split a bucket's log objects into `parts` groups by key order (delivery folders), so a source
// directory can receive them part by part like a trail that keeps delivering.
std::vector<std::vector<std::string>> SplitLogs(const fs::path& bucket, size_t parts) {
  std::vector<std::string> keys = LogKeys(bucket);
  std::vector<std::vector<std::string>> groups(parts);
  for (size_t index = 0; index < keys.size(); ++index) groups[index * parts / keys.size()].push_back(keys[index]);
  return groups;
}

TEST(WarehouseReadersSlowTest, ReadersDuringIngestsWithCompactionNeverFailNorSeeAnEventTwice) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "23", "--days", "3", "--events-per-day", "600"});
  const int64_t truth = LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>();
  auto source = scratch.path() / "source";
  auto warehouse = scratch.path() / "wh";
  auto groups = SplitLogs(bucket, 5);
  auto copy_group = [&](const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      fs::create_directories((source / key).parent_path());
      fs::copy_file(bucket / key, source / key);
    }
  };
  copy_group(groups[0]);
  ASSERT_EQ(IngestCli(source, warehouse, {"--commit-objects", "8", "--max-files-per-day", "2"}).exit_code, 0);

  // A snapshot opened now must answer the same after every later ingest and compaction.
  auto snapshot_engine = QueryEngine::Open(warehouse);
  ASSERT_TRUE(snapshot_engine.ok()) << snapshot_engine.status().ToString();
  const std::string count_sql = "SELECT count(*), count(DISTINCT eventID), sum(bytes_accessed) FROM adx_for_s3_metrics";
  auto snapshot_before = (*snapshot_engine)->Run(count_sql);
  ASSERT_TRUE(snapshot_before.ok());

  std::atomic<bool> ingesting{true};
  std::atomic<int> queries{0}, query_failures{0}, external_reads{0}, external_failures{0}, external_raced{0};
  std::string first_failure;
  std::mutex failure_mu;
  auto note = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(failure_mu);
    if (first_failure.empty()) first_failure = what;
  };
  std::thread query_loop([&] {
    while (ingesting.load() || queries.load() < 500) {
      CommandResult result = RunCli({"query", "--warehouse", warehouse.string(), "--format", "csv",
                                     "SELECT count(*) - count(DISTINCT eventID) AS dup FROM adx_for_s3_metrics"});
      ++queries;
      std::string out = result.out;
      std::erase(out, '\r');
      if (result.exit_code != 0 || out != "dup\n0\n") {
        ++query_failures;
        note("query: " + result.out + result.err);
      }
    }
  });
  std::thread external_loop([&] {
    auto database = *Database::Open();
    auto connection = *database->Connect();
    // One long-lived session stands for many independent readers: DuckDB's cache of file blocks
    // by path and mtime would serve a replaced file's old bytes (docs/manifest_format.md).
    ASSERT_TRUE(connection->Execute("SET enable_external_file_cache = false").ok());
    while (ingesting.load() || external_reads.load() < 200) {
      std::vector<std::string> listed = VisibleFiles(warehouse);
      std::map<std::string, FileStamp> before = Stamps(warehouse, listed);
      VisibleRows rows = ReadVisible(connection.get(), warehouse, listed);
      ++external_reads;
      if (rows.rows != rows.distinct_ids) {  // Never allowed, whatever changed meanwhile.
        ++external_failures;
        note("external: an event twice: rows " + std::to_string(rows.rows) + " distinct " +
             std::to_string(rows.distinct_ids));
      } else if (!rows.status.ok()) {
        // A file a compaction replaced between this listing and DuckDB's reads (an emptied name
        // is a new file; DuckDB opens a file more than once) fails the read: the reader lists
        // again. A failure over files that did not change is a broken file.
        if (Stamps(warehouse, listed) != before) {
          ++external_raced;
        } else {
          ++external_failures;
          note("external: " + rows.status.ToString());
        }
      }
    }
  });
  for (size_t group = 1; group < groups.size(); ++group) {
    copy_group(groups[group]);
    CommandResult run = IngestCli(source, warehouse, {"--commit-objects", "8", "--max-files-per-day", "2"});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  }
  ingesting = false;
  query_loop.join();
  external_loop.join();
  EXPECT_GE(queries.load(), 500);
  EXPECT_EQ(query_failures.load(), 0) << first_failure;
  EXPECT_EQ(external_failures.load(), 0) << first_failure;
  EXPECT_LT(external_raced.load(), external_reads.load() / 4) << "reads that met a replaced file";
  EXPECT_EQ(CountRows(warehouse), truth);
  auto snapshot_after = (*snapshot_engine)->Run(count_sql);
  ASSERT_TRUE(snapshot_after.ok()) << snapshot_after.status().ToString();
  EXPECT_EQ(snapshot_after->rows, snapshot_before->rows);
}

TEST(WarehouseForeignFilesIntegrationTest, FilesItDidNotWriteAreNeverDeleted) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "4", "--days", "1", "--events-per-day", "300"});
  auto warehouse = scratch.path() / "wh";
  // A first ingest into a table folder holding someone else's files refuses and deletes nothing.
  fs::create_directories(TableDir(warehouse) / "year=2023");
  ASSERT_TRUE(WriteFile(TableDir(warehouse) / "year=2023" / "glue-output.parquet", "not ours", false).ok());
  CommandResult refused = IngestCli(bucket, warehouse);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("did not write"), std::string::npos) << refused.err;
  EXPECT_TRUE(fs::exists(TableDir(warehouse) / "year=2023" / "glue-output.parquet"));
  fs::remove_all(TableDir(warehouse));

  ASSERT_EQ(IngestCli(bucket, warehouse, {"--max-files-per-day", "1", "--commit-objects", "10"}).exit_code, 0);
  // Later: a user's note in the table folder survives every run, including compaction.
  ASSERT_TRUE(WriteFile(TableDir(warehouse) / "NOTES.txt", "mine", false).ok());
  // Named like the warehouse's own data files: still not its own.
  const fs::path lookalike = TableDir(warehouse) / LiveFiles(warehouse).front();
  const fs::path mine = lookalike.parent_path() / "part-0000009999.parquet";
  ASSERT_TRUE(WriteFile(mine, "mine too", false).ok());
  CommandResult again = IngestCli(bucket, warehouse, {"--max-files-per-day", "1", "--retention", "0"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("foreign: 2 files"), std::string::npos) << again.out;
  EXPECT_EQ(*ReadFile(TableDir(warehouse) / "NOTES.txt"), "mine");
  EXPECT_EQ(*ReadFile(mine), "mine too");

  // A warehouse that lost its manifest refuses rather than deletes; --rebuild re-derives it.
  const int64_t rows = CountRows(warehouse);
  fs::remove(TableDir(warehouse) / "NOTES.txt");
  fs::remove(mine);
  const std::vector<std::string> files = DataFilesOnDisk(warehouse);
  fs::remove_all(warehouse / "_adxmetrics");
  CommandResult lost = IngestCli(bucket, warehouse);
  EXPECT_EQ(lost.exit_code, 1);
  EXPECT_NE(lost.err.find("--rebuild"), std::string::npos) << lost.err;
  EXPECT_EQ(DataFilesOnDisk(warehouse), files);
  CommandResult rebuilt = IngestCli(bucket, warehouse, {"--rebuild"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.out.find("rebuilt"), std::string::npos) << rebuilt.out;
  EXPECT_EQ(CountRows(warehouse), rows);
  EXPECT_EQ(QueryJson(warehouse, "SELECT count(*) - count(DISTINCT eventID) AS d FROM adx_for_s3_metrics")[0]["d"], 0);
}

TEST(WarehouseLedgerIntegrationTest, BadFileIsRetriedUpToTheLimitThenQuarantinedAndARepairIngestsIt) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "8", "--days", "1", "--events-per-day", "200"});
  std::vector<std::string> keys = LogKeys(bucket);
  const std::string victim = keys[keys.size() / 2];
  const std::string good = *ReadFile(bucket / victim);
  ASSERT_TRUE(WriteFile(bucket / victim, "this is not gzip", false).ok());
  auto warehouse = scratch.path() / "wh";
  for (int attempt = 1; attempt <= 2; ++attempt) {
    CommandResult run = IngestCli(bucket, warehouse, {"--max-attempts", "2"});
    EXPECT_EQ(run.exit_code, 3) << "attempt " << attempt << run.out;
    EXPECT_NE(run.out.find("rejected: " + victim), std::string::npos) << run.out;
  }
  CommandResult quiet = IngestCli(bucket, warehouse, {"--max-attempts", "2"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
  EXPECT_NE(quiet.out.find("1 quarantined"), std::string::npos) << quiet.out;
  EXPECT_EQ(quiet.out.find("rejected: "), std::string::npos) << quiet.out;
  CommandResult listed = RunCli({"rejects", "--warehouse", warehouse.string(), "--max-attempts", "2", "--format", "csv"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find(victim + ",quarantined,2,"), std::string::npos) << listed.out;
  // Repaired (new content, new size and mtime): retried at once and ingested.
  ASSERT_TRUE(WriteFile(bucket / victim, good, false).ok());
  CommandResult repaired = IngestCli(bucket, warehouse, {"--max-attempts", "2"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out;
  EXPECT_EQ(CountRows(warehouse), LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>());
  listed = RunCli({"rejects", "--warehouse", warehouse.string(), "--format", "csv"});
  EXPECT_EQ(listed.out.find(victim), std::string::npos) << listed.out;
}

TEST(WarehouseLedgerIntegrationTest, ObjectReplacedUnderTheSameKeyIsReprocessedAndItsNewEventsLand) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "12", "--days", "1", "--events-per-day", "200"});
  const int64_t truth = LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>();
  std::vector<std::string> keys = LogKeys(bucket);
  // Hold back one object; later a redelivered version of another carries its records too.
  const std::string held = keys[keys.size() / 3], replaced = keys[keys.size() / 2];
  auto records = [&](const std::string& key) {
    std::string json;
    EXPECT_TRUE(Gunzip(*ReadFile(bucket / key), &json, 0).ok());
    auto doc = nlohmann::json::parse(json);
    return doc["Records"];
  };
  nlohmann::json merged = records(replaced);
  for (const auto& record : records(held)) merged.push_back(record);
  const std::string redelivered = Gzip(nlohmann::json{{"Records", merged}}.dump());
  fs::rename(bucket / held, scratch.path() / "held.json.gz");
  auto warehouse = scratch.path() / "wh";
  ASSERT_EQ(IngestCli(bucket, warehouse).exit_code, 0);
  const int64_t before = CountRows(warehouse);
  ASSERT_TRUE(WriteFile(bucket / replaced, redelivered, false).ok());
  CommandResult run = IngestCli(bucket, warehouse);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("changed: 1 objects"), std::string::npos) << run.out;
  EXPECT_EQ(CountRows(warehouse), truth);
  EXPECT_GT(truth, before);
  EXPECT_EQ(QueryJson(warehouse, "SELECT count(*) - count(DISTINCT eventID) AS d FROM adx_for_s3_metrics")[0]["d"], 0);
  CommandResult again = IngestCli(bucket, warehouse);
  EXPECT_EQ(again.out.find("changed:"), std::string::npos) << again.out;
}

TEST(WarehouseMigrationIntegrationTest, FormatOneWarehouseIsMigratedAndKeepsEveryRow) {
  ScratchDir scratch;
  fs::copy(SourceDir() / "testdata" / "format1", scratch.path(), fs::copy_options::recursive);
  auto bucket = scratch.path() / "bucket";
  auto warehouse = scratch.path() / "wh";
  // A checkout does not keep mtimes, which a local source's versions are: give each log file the
  // mtime the format-1 manifest recorded, as it was when that warehouse was written.
  std::string manifest_text = *ReadFile(warehouse / "_adxmetrics" / "manifest");
  for (size_t pos = 0, end; (end = manifest_text.find('\n', pos)) != std::string::npos; pos = end + 1) {
    auto line = nlohmann::json::parse(manifest_text.substr(pos + 9, end - pos - 9));
    for (const auto& object : line["objects"]) {
      std::string version = object["version"].get<std::string>();  // "mtime-<nanoseconds>"
      auto nanos = std::stoll(version.substr(6));
      struct timespec times[2] = {{nanos / 1000000000, nanos % 1000000000}, {nanos / 1000000000, nanos % 1000000000}};
      ASSERT_EQ(::utimensat(AT_FDCWD, (bucket / object["key"].get<std::string>()).c_str(), times, 0), 0);
    }
  }
  const int64_t truth = LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>();
  // Readable before migration, through the format-1 manifest.
  EXPECT_EQ(CountRows(warehouse), truth);
  CommandResult run = IngestCli(bucket, warehouse);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("migrated"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("0 new"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(warehouse / "_adxmetrics" / "manifest"));
  EXPECT_EQ(CountRows(warehouse), truth);
  EXPECT_EQ(DataFilesOnDisk(warehouse), LiveFiles(warehouse));
  CommandResult again = IngestCli(bucket, warehouse);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out.find("migrated"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace adxm::testing

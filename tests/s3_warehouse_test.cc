// A warehouse in S3, driven through the CLI against s3rver behind the signature-checking proxy
// (which also gives S3's conditional writes): it equals a local warehouse of the same logs
// (full dump compare, through the reader cache), a rerun adds nothing, reports read it; kill -9
// at random moments never lets a reader of the table prefix see an event twice and the rerun
// equals the clean run; a second concurrent ingest is refused naming the holder, and the lock of
// a killed holder is taken over. The S3 settings reach the CLI through the environment
// (setenv below), as they would from a user's shell.
#include <signal.h>
#include <stdlib.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "dataset_checks.h"
#include "db/duckdb.h"
#include "query/query_table.h"
#include "s3_test_env.h"
#include "serve/api.h"
#include "serve/runner_pool.h"
#include "test_util.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kWarehouse[] = "s3://curated/adx/";

// Start s3rver + the proxy with the log and warehouse buckets, and point this process's (and so
// every CLI run's) environment at it, with the reader cache in `cache`.
std::unique_ptr<S3TestEnv> StartEnv(const fs::path& cache) {
  auto env = S3TestEnv::Start({.buckets = {"trail", "curated"}});
  if (env == nullptr) return nullptr;
  for (const auto& [name, value] : env->Env()) ::setenv(name.c_str(), value.c_str(), 1);
  ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
  return env;
}

std::vector<std::string> IngestArgv(const std::string& source, const std::vector<std::string>& extra,
                                    const std::string& warehouse = kWarehouse) {
  std::vector<std::string> argv = {CliPath(), "ingest", "--source", source, "--warehouse", warehouse,
                                   "--s3-list-page-size", "7"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// What a reader listing the table prefix (as Athena does) sees right now: rows and distinct
// eventIDs of every visible Parquet object, fetched with the AWS CLI.
std::pair<int64_t, int64_t> VisibleRows(S3TestEnv& env, const std::string& warehouse, const fs::path& into) {
  fs::remove_all(into);
  fs::create_directories(into);
  CommandResult sync = env.Aws({"s3", "sync", warehouse + "adx_for_s3_metrics/", into.string()});
  EXPECT_EQ(sync.exit_code, 0) << sync.err;
  std::string list;
  for (const auto& entry : fs::recursive_directory_iterator(into)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name[0] != '_' && name[0] != '.') {
      list += (list.empty() ? "'" : ", '") + entry.path().string() + "'";
    }
  }
  if (list.empty()) return {0, 0};
  auto database = *Database::Open();
  auto connection = *database->Connect();
  auto rows = connection->Query("SELECT count(*), count(DISTINCT eventID) FROM read_parquet([" + list + "])");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return {-1, -1};
  auto table = QueryTable::Read(&*rows);
  return {std::stoll(*table->rows[0][0]), std::stoll(*table->rows[0][1])};
}

TEST(S3WarehouseS3IntegrationTest, EqualsALocalWarehouseAndServesQueriesAndReports) {
  ScratchDir dir;
  const fs::path bucket = dir.path() / "bucket";
  GenerateBucket(bucket, {"--days", "3", "--events-per-day", "120", "--seed", "8"});
  auto env = StartEnv(dir.path() / "cache");
  ASSERT_NE(env, nullptr);
  ASSERT_EQ(env->Aws({"s3", "sync", bucket.string(), "s3://trail/"}).exit_code, 0);

  // From S3 into S3, small commits so that compaction and several log entries happen.
  CommandResult run = RunCommand(IngestArgv("s3://trail/", {"--commit-objects", "40", "--max-files-per-day", "2"}));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("S3 requests (warehouse):"), std::string::npos) << run.out;
  EXPECT_EQ(env->Stats()["signature_mismatches"], 0u);
  const fs::path local = dir.path() / "local";
  ASSERT_EQ(IngestCli(bucket, local, {"--commit-objects", "40", "--max-files-per-day", "2"}).exit_code, 0);
  const std::string expected = DumpDataset(local);
  EXPECT_EQ(DumpDataset(kWarehouse), expected);
  EXPECT_EQ(CountRows(kWarehouse), LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>());
  // The cache holds the snapshot's files; a second query reads them from there.
  EXPECT_FALSE(fs::is_empty(dir.path() / "cache" / "adxmetrics"));
  env->ResetStats();
  EXPECT_EQ(DumpDataset(kWarehouse), expected);
  const uint64_t gets_warm = env->Stats()["GetObject"];
  EXPECT_LT(gets_warm, 10u) << "a warm cache should fetch no data files, only the manifest";

  // A rerun adds nothing; a report reads the S3 warehouse as it reads the local one.
  CommandResult rerun = RunCommand(IngestArgv("s3://trail/", {}));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("objects: 0 new"), std::string::npos) << rerun.out;
  CommandResult s3_report = RunCli({"report", "summary", "--warehouse", kWarehouse, "--format", "csv"});
  CommandResult local_report = RunCli({"report", "summary", "--warehouse", local.string(), "--format", "csv"});
  ASSERT_EQ(s3_report.exit_code, 0) << s3_report.err;
  EXPECT_EQ(s3_report.out, local_report.out);

  // The dashboard's API over the S3 warehouse answers as it does over the local one.
  auto answer = [](const std::string& warehouse, const std::string& path) {
    RunnerPoolOptions options{warehouse, {}, {}, 1};
    RunnerPool pool(options);
    Status refreshed = pool.Refresh();
    EXPECT_TRUE(refreshed.ok()) << refreshed.ToString();
    Api api(&pool, nullptr, ApiOptions{});
    ApiResponse response = api.Handle({"GET", path, {{"from", "2023-01-01"}, {"to", "2030-01-01"}}});
    EXPECT_EQ(response.status, 200) << path << ": " << response.body;
    return response.body;
  };
  for (const std::string path : {"/api/kpis", "/api/report/subscribers", "/api/timeseries"}) {
    EXPECT_EQ(answer(kWarehouse, path), answer(local.string(), path)) << path;
  }

  // What Athena would see under the table prefix: exactly the dataset, no event twice.
  auto [rows, distinct] = VisibleRows(*env, kWarehouse, dir.path() / "visible");
  EXPECT_EQ(rows, CountRows(local));
  EXPECT_EQ(distinct, rows);
}

TEST(S3WarehouseS3IntegrationTest, KillAtRandomMomentsNeverShowsAnEventTwiceAndTheRerunEqualsACleanRun) {
  ScratchDir dir;
  const fs::path bucket = dir.path() / "bucket";
  GenerateBucket(bucket, {"--days", "2", "--events-per-day", "100", "--seed", "21"});
  auto env = StartEnv(dir.path() / "cache");
  ASSERT_NE(env, nullptr);
  const std::vector<std::string> flags = {"--threads", "3", "--commit-objects", "25", "--max-files-per-day", "3"};
  const fs::path local = dir.path() / "local";
  ASSERT_EQ(IngestCli(bucket, local, flags).exit_code, 0);
  const std::string clean_dump = DumpDataset(local);
  const int64_t clean_rows = CountRows(local);
  // A clean run into S3 for the timing of the kills.
  auto started = std::chrono::steady_clock::now();
  CommandResult clean = RunCommand(IngestArgv(bucket.string(), flags));
  const auto clean_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  ASSERT_EQ(DumpDataset(kWarehouse), clean_dump);

  std::mt19937_64 random(20261202);
  int kills = 0;
  for (int round = 0; kills < 20 && round < 40; ++round) {
    const std::string warehouse = "s3://curated/round" + std::to_string(round) + "/";  // A fresh warehouse.
    // The delay is fault injection, not synchronization: any moment is one the protocol must survive.
    int pid = SpawnCommand(IngestArgv(bucket.string(), flags, warehouse), dir.path() / "log");
    std::this_thread::sleep_for(std::chrono::microseconds(random() % (clean_micros + 1)));
    ::kill(pid, SIGKILL);
    if (WaitCommand(pid) != 128 + SIGKILL) continue;  // It had finished: not a kill.
    ++kills;
    auto [rows, distinct] = VisibleRows(*env, warehouse, dir.path() / "visible");
    EXPECT_EQ(rows, distinct) << "round " << round << ": a reader of the table prefix sees an event twice";
    CommandResult rerun = RunCommand(IngestArgv(bucket.string(), flags, warehouse));
    ASSERT_EQ(rerun.exit_code, 0) << "round " << round << "\n" << rerun.out << rerun.err;
    EXPECT_EQ(DumpDataset(warehouse), clean_dump) << "round " << round;
    auto [after_rows, after_distinct] = VisibleRows(*env, warehouse, dir.path() / "visible");
    EXPECT_EQ(after_rows, clean_rows) << "round " << round << ": the visible objects are not the live files";
    EXPECT_EQ(after_distinct, after_rows) << "round " << round;
  }
  EXPECT_GE(kills, 20) << "too few runs were still going when killed";
}

TEST(S3WarehouseS3IntegrationTest, ASecondIngestIsRefusedAndAKilledHoldersLockIsTakenOver) {
  ScratchDir dir;
  const fs::path bucket = dir.path() / "bucket";
  GenerateBucket(bucket, {"--days", "1", "--events-per-day", "60", "--seed", "2"});
  auto env = StartEnv(dir.path() / "cache");
  ASSERT_NE(env, nullptr);
  ASSERT_EQ(env->Aws({"s3", "sync", bucket.string(), "s3://trail/"}).exit_code, 0);
  // The first ingest stalls on every log object it reads, so it holds the lock for long.
  env->SetFaults(R"([{"kind": "stall", "method": "GET", "match": "^/trail/.*json.gz", "count": -1, "stall_seconds": 30}])");
  int first = SpawnCommand(IngestArgv("s3://trail/", {}), dir.path() / "first.log");
  // Wait (bounded) for the lock object to appear: the condition, not a guessed delay.
  bool locked = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
       !locked && std::chrono::steady_clock::now() < deadline;) {
    locked = env->Aws({"s3api", "head-object", "--bucket", "curated", "--key", "adx/_adxmetrics/LOCK"}).exit_code == 0;
  }
  ASSERT_TRUE(locked) << "the first ingest never took the lock";
  CommandResult second = RunCommand(IngestArgv("s3://trail/", {}));
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("another ingest holds this warehouse"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("pid " + std::to_string(first)), std::string::npos) << second.err;
  // Killed, its lock stays behind; the next run sees that its holder is gone and takes it over.
  ::kill(first, SIGKILL);
  ASSERT_EQ(WaitCommand(first), 128 + SIGKILL);
  env->SetFaults("[]");
  ASSERT_EQ(env->Aws({"s3api", "head-object", "--bucket", "curated", "--key", "adx/_adxmetrics/LOCK"}).exit_code, 0);
  CommandResult third = RunCommand(IngestArgv("s3://trail/", {}));
  ASSERT_EQ(third.exit_code, 0) << third.out << third.err;
  const fs::path local = dir.path() / "local";
  ASSERT_EQ(IngestCli(bucket, local, {}).exit_code, 0);
  EXPECT_EQ(DumpDataset(kWarehouse), DumpDataset(local));
  // Released at the end of the run.
  EXPECT_NE(env->Aws({"s3api", "head-object", "--bucket", "curated", "--key", "adx/_adxmetrics/LOCK"}).exit_code, 0);
}

}  // namespace
}  // namespace adxm::testing

// Ingest from S3 (s3rver behind the signature-checking proxy, the log bucket filled by the real
// AWS CLI): the dataset equals a local-directory ingest of the same files (full dump compare), a
// rerun adds nothing, new and late objects are picked up, the lookback listing finds a late file
// within its window and --full-scan one beyond it, and faults on the wire lose nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dataset_checks.h"
#include "s3_test_env.h"
#include "test_util.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kBucket[] = "trail";

// Run `adxmetrics ingest --source s3://trail/ --warehouse <warehouse>` against `env`, listing
// seven keys per request so that every listing paginates.
CommandResult IngestS3(S3TestEnv& env, const fs::path& warehouse, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {CliPath(), "ingest", "--source", std::string("s3://") + kBucket + "/",
                                   "--warehouse", warehouse.string(), "--threads", "2", "--s3-list-page-size", "7"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunCommand(argv, env.Env());
}

// Copy `keys` (relative paths) of `from` into `to`.
void CopyKeys(const fs::path& from, const fs::path& to, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    fs::create_directories((to / key).parent_path());
    fs::copy_file(from / key, to / key, fs::copy_options::overwrite_existing);
  }
}

// The dataset a local-directory ingest of `keys` of `bucket` makes.
std::string LocalDump(const fs::path& bucket, const std::vector<std::string>& keys, const fs::path& scratch) {
  fs::remove_all(scratch);
  CopyKeys(bucket, scratch / "logs", keys);
  CommandResult ingest = IngestCli(scratch / "logs", scratch / "warehouse", {"--threads", "2"});
  EXPECT_EQ(ingest.exit_code, 0) << ingest.err;
  return DumpDataset(scratch / "warehouse");
}

// Every file of `bucket` (logs, digests, the ground truth), relative, sorted.
std::vector<std::string> AllFiles(const fs::path& bucket) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(bucket)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), bucket).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool InDay(const std::string& key, const std::string& day) { return key.find("/" + day + "/") != std::string::npos; }

TEST(IngestS3IntegrationTest, EqualsLocalIngestAndPicksUpNewAndLateObjects) {
  ScratchDir dir;
  const fs::path bucket = dir.path() / "bucket";
  GenerateBucket(bucket, {"--days", "6", "--events-per-day", "60", "--seed", "11", "--start", "2023-05-01"});
  const std::vector<std::string> all = AllFiles(bucket);
  // Held back from the first sync: the whole sixth day (new), one log of 05/05 (late, within a
  // one-day lookback of the newest day 05/05) and one of 05/02 (late, beyond it).
  std::vector<std::string> first, new_day, late_recent, late_old;
  for (const std::string& key : all) {
    const bool log = key.find("/CloudTrail/") != std::string::npos;
    if (InDay(key, "2023/05/06")) {
      new_day.push_back(key);
    } else if (log && late_recent.empty() && InDay(key, "2023/05/04")) {
      late_recent.push_back(key);
    } else if (log && late_old.empty() && InDay(key, "2023/05/02")) {
      late_old.push_back(key);
    } else {
      first.push_back(key);
    }
  }
  ASSERT_FALSE(new_day.empty());
  ASSERT_EQ(late_recent.size(), 1u);
  ASSERT_EQ(late_old.size(), 1u);

  auto env = S3TestEnv::Start({.buckets = {kBucket}});
  ASSERT_NE(env, nullptr);
  CopyKeys(bucket, dir.path() / "first", first);
  CommandResult sync = env->Aws({"s3", "sync", (dir.path() / "first").string(), std::string("s3://") + kBucket + "/"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;

  // 1. The first run equals a local ingest of the same files.
  env->ResetStats();
  const fs::path warehouse = dir.path() / "warehouse";
  CommandResult run = IngestS3(*env, warehouse);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("S3 requests (source):"), std::string::npos) << run.out;
  auto stats = env->Stats();
  EXPECT_EQ(stats["signature_mismatches"], 0u);
  EXPECT_GE(stats["ListObjectsV2"], (first.size() + 6) / 7) << first.size() << "\n" << run.out;  // Seven keys a page.
  EXPECT_EQ(DumpDataset(warehouse), LocalDump(bucket, first, dir.path() / "local1"));
  EXPECT_GT(CountRows(warehouse), 0);

  // 2. A rerun adds nothing.
  CommandResult rerun = IngestS3(*env, warehouse, {"--lookback-days", "1"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("objects: 0 new"), std::string::npos) << rerun.out;

  // 3. New and late objects arrive; the lookback listing (one day before 05/05) finds the new
  //    day and the late log of 05/04, not the one of 05/02.
  std::vector<std::string> arrived = new_day;
  arrived.insert(arrived.end(), late_recent.begin(), late_recent.end());
  arrived.insert(arrived.end(), late_old.begin(), late_old.end());
  CopyKeys(bucket, dir.path() / "arrived", arrived);
  CommandResult arrive = env->Aws({"s3", "sync", (dir.path() / "arrived").string(), std::string("s3://") + kBucket + "/"});
  ASSERT_EQ(arrive.exit_code, 0) << arrive.err;
  env->ResetStats();
  CommandResult lookback = IngestS3(*env, warehouse, {"--lookback-days", "1"});
  ASSERT_EQ(lookback.exit_code, 0) << lookback.err;
  EXPECT_NE(lookback.out.find("listing: day folders from 2023/05/04 on"), std::string::npos) << lookback.out;
  const uint64_t lookback_lists = env->Stats()["ListObjectsV2"];
  std::vector<std::string> expected = first;
  expected.insert(expected.end(), new_day.begin(), new_day.end());
  expected.insert(expected.end(), late_recent.begin(), late_recent.end());
  EXPECT_EQ(DumpDataset(warehouse), LocalDump(bucket, expected, dir.path() / "local2")) << lookback.out;

  // 4. --full-scan sweeps everything: the late log of 05/02 too.
  env->ResetStats();
  CommandResult full = IngestS3(*env, warehouse, {"--full-scan"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_NE(full.out.find("objects: 1 new"), std::string::npos) << full.out;
  EXPECT_LT(lookback_lists, env->Stats()["ListObjectsV2"]);
  EXPECT_EQ(DumpDataset(warehouse), LocalDump(bucket, all, dir.path() / "local3"));
  EXPECT_EQ(env->Stats()["signature_mismatches"], 0u);
}

TEST(IngestS3IntegrationTest, FaultsOnTheWireLoseNothing) {
  ScratchDir dir;
  const fs::path bucket = dir.path() / "bucket";
  GenerateBucket(bucket, {"--days", "2", "--events-per-day", "80", "--seed", "5"});
  auto env = S3TestEnv::Start({.buckets = {kBucket}});
  ASSERT_NE(env, nullptr);
  CommandResult sync = env->Aws({"s3", "sync", bucket.string(), std::string("s3://") + kBucket + "/"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  // Every fifth GET and LIST answers 503 SlowDown or 500, resets or is truncated: the client's
  // retries absorb them all.
  env->SetFaults(R"([{"kind": "503", "method": "GET", "match": "list-type", "every": 3, "count": -1},
                     {"kind": "slowdown", "method": "GET", "match": "json.gz$", "every": 5, "count": -1},
                     {"kind": "500", "method": "GET", "match": "json.gz$", "every": 7, "count": -1},
                     {"kind": "reset", "method": "GET", "match": "json.gz$", "every": 11, "count": -1},
                     {"kind": "truncate", "method": "GET", "match": "json.gz$", "every": 13, "count": -1},
                     {"kind": "stall", "method": "GET", "match": "json.gz$", "every": 29, "count": 3, "stall_seconds": 30}])");
  const fs::path warehouse = dir.path() / "warehouse";
  CommandResult run = IngestS3(*env, warehouse, {"--s3-timeout", "1"});  // A stalled request is retried after 1 s.
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_GT(env->Stats()["faults_injected"], 10u);
  EXPECT_NE(run.out.find("retries"), std::string::npos) << run.out;
  env->SetFaults("[]");
  const fs::path local = dir.path() / "local";
  CommandResult local_run = IngestCli(bucket, local, {"--threads", "2"});
  ASSERT_EQ(local_run.exit_code, 0) << local_run.err;
  EXPECT_EQ(DumpDataset(warehouse), DumpDataset(local));

  // Every GET of one log object fails: the run stops naming it, and a rerun after the fault
  // clears finishes the dataset exactly.
  const std::string victim = LogKeys(bucket).back();
  env->SetFaults(R"([{"kind": "503", "method": "GET", "match": ")" + fs::path(victim).filename().string() +
                 R"(", "count": -1}])");
  const fs::path second = dir.path() / "second";
  CommandResult failed = IngestS3(*env, second, {"--s3-attempts", "2"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find(fs::path(victim).filename().string()), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("rerun to retry"), std::string::npos) << failed.err;
  env->SetFaults("[]");
  CommandResult retried = IngestS3(*env, second);
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(DumpDataset(second), DumpDataset(local));
}

}  // namespace
}  // namespace adxm::testing

// Odd entries in a source directory are never skipped silently: an unreadable directory, a
// dangling symlink named like a log and a path too long to open are each named with their reason
// and make the exit code 3; an unreadable root fails the run (exit 1). Symlinked folders are
// followed (a link cycle is listed once). Run as an unprivileged user: root reads everything.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file_util.h"
#include "dataset_checks.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDay = "AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/21/";

// `adxmetrics ingest` as the user nobody when the tests run as root.
CommandResult IngestAsUser(const fs::path& source, const fs::path& warehouse) {
  std::vector<std::string> argv = {CliPath(), "ingest", "--source", source.string(), "--warehouse", warehouse.string()};
  if (::geteuid() == 0) {
    argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"});
  }
  return RunCommand(argv);
}

// Whether the user the CLI runs as in these tests can execute it (a checkout under a private
// home directory is out of reach for nobody).
bool CliRunsAsUser() {
  if (::geteuid() != 0) return true;
  return RunCommand({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", CliPath(), "--version"})
             .exit_code == 0;
}

// Create a chain of directories under `parent` whose full path is longer than PATH_MAX; return
// the key (relative to `root`) of the first directory past the limit.
std::string MakeTooLongPath(const fs::path& root, const std::string& parent) {
  int fd = ::open((root / parent).c_str(), O_RDONLY | O_DIRECTORY);
  EXPECT_GE(fd, 0);
  std::string name(200, 'd');
  std::string key = parent;
  std::string first_too_long;
  for (int level = 0; level < 24; ++level) {
    EXPECT_EQ(::mkdirat(fd, name.c_str(), 0755), 0);
    int child = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
    ::close(fd);
    fd = child;
    key += name + "/";
    if (first_too_long.empty() && (root / key).string().size() >= PATH_MAX) first_too_long = key;
  }
  ::close(fd);
  return first_too_long;
}

TEST(SourceProblemsIntegrationTest, NamesEachUnreadableEntryFollowsLinksAndExitsThree) {
  if (!CliRunsAsUser()) GTEST_SKIP() << "the user nobody cannot run " << CliPath();
  ScratchDir scratch;
  fs::path bucket = scratch.path() / "bucket";
  fs::path other = scratch.path() / "other";
  GenerateBucket(bucket, {"--seed", "5", "--start", "2023-05-21", "--days", "1", "--events-per-day", "120"});
  GenerateBucket(other, {"--seed", "6", "--start", "2023-06-10", "--days", "1", "--events-per-day", "80"});
  int64_t expected = LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>() +
                     LoadGroundTruth(other)["qualifying_events"].get<int64_t>();
  std::vector<std::string> keys = LogKeys(bucket);
  ASSERT_FALSE(keys.empty());

  // A symlinked folder (followed), a link cycle (listed once), a dangling link named like a log,
  // a dangling link that is not a log (ignored), an unreadable folder holding a log, a path too long.
  fs::create_directory_symlink(other / "AWSLogs", bucket / "linked");
  fs::create_directory_symlink(bucket, bucket / "loop");
  std::string dangling = std::string(kDay) + "111122223333_CloudTrail_us-east-1_20230521T2300Z_dangling00000000.json.gz";
  fs::create_symlink(scratch.path() / "missing.json.gz", bucket / dangling);
  fs::create_symlink(scratch.path() / "missing.txt", bucket / "notes.txt");
  std::string locked = std::string(kDay) + "locked/";
  ASSERT_TRUE(CreateDirs(bucket / locked).ok());
  fs::copy_file(bucket / keys[0], bucket / locked / "111122223333_CloudTrail_us-east-1_20230521T2310Z_locked0000000000.json.gz");
  ASSERT_EQ(::chmod((bucket / locked).c_str(), 0), 0);
  ASSERT_FALSE(MakeTooLongPath(bucket, kDay).empty());
  // The unprivileged user may read the bucket and write the warehouse's parent.
  ASSERT_EQ(::chmod(scratch.path().c_str(), 0777), 0);

  CommandResult run = IngestAsUser(bucket, scratch.path() / "wh");
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.out.find("rejected: " + locked + ": cannot list directory: Permission denied"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("rejected: " + dangling + ": dangling symlink (its target does not exist)"), std::string::npos)
      << run.out;
  // The first entry whose path is past PATH_MAX cannot even be stat'ed: it is named, not skipped.
  size_t long_line = run.out.find("rejected: " + std::string(kDay) + std::string(200, 'd') + "/");
  ASSERT_NE(long_line, std::string::npos) << run.out;
  std::string line = run.out.substr(long_line, run.out.find('\n', long_line) - long_line);
  EXPECT_TRUE(line.ends_with(": File name too long")) << line;
  EXPECT_GE(line.size(), static_cast<size_t>(PATH_MAX) - bucket.string().size());
  EXPECT_NE(run.out.find("\nnot read: 2 objects are neither event logs (*.json.gz) nor CloudTrail digest or insight "
                         "files: ground_truth.json, notes.txt\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(" 3 rejected"), std::string::npos) << run.out;
  // Every event of the bucket and of the linked folder lands, once (the loop adds nothing).
  EXPECT_EQ(CountRows(scratch.path() / "wh"), expected);

  // Cleanup needs the long chain gone by a tool that handles paths past PATH_MAX.
  ASSERT_EQ(::chmod((bucket / locked).c_str(), 0755), 0);
  EXPECT_EQ(RunCommand({"rm", "-rf", (bucket / std::string(kDay) / std::string(200, 'd')).string()}).exit_code, 0);
}

// Files that are no event log are not read, but never silently: the ones that are not CloudTrail's
// own digest or insight files either are counted and the first few named.
TEST(SourceProblemsIntegrationTest, NamesFilesThatAreNeitherLogsNorDigests) {
  ScratchDir scratch;
  fs::path bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "7", "--start", "2023-05-21", "--days", "1", "--events-per-day", "60"});
  std::vector<std::string> keys = LogKeys(bucket);
  ASSERT_FALSE(keys.empty());
  const std::string day(kDay);
  // Sorted as the listing names them; the last two are past the five named.
  const std::vector<std::string> odd = {day + "a.json", day + "b.JSON.GZ", day + "c.json.gz.tmp", day + "d.txt",
                                        day + "e.gz", day + "f.json", day + "g.json"};
  for (const std::string& key : odd) fs::copy_file(bucket / keys[0], bucket / key);
  const std::string digest = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2023/05/21/"
                             "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20230521T010000Z.json.gz";
  ASSERT_TRUE(CreateDirs((bucket / digest).parent_path()).ok());
  fs::copy_file(bucket / keys[0], bucket / digest);
  CommandResult run = RunCommand({CliPath(), "ingest", "--source", bucket.string(), "--warehouse",
                                  (scratch.path() / "wh").string()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // The generator's ground_truth.json is the eighth; listed after AWSLogs/.
  std::string named = "\nnot read: 8 objects are neither event logs (*.json.gz) nor CloudTrail digest or insight files: ";
  for (size_t index = 0; index < 5; ++index) named += (index ? ", " : "") + odd[index];
  EXPECT_NE(run.out.find(named + " and 3 more\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("CloudTrail-Digest"), std::string::npos) << run.out;
  EXPECT_EQ(CountRows(scratch.path() / "wh"), LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>());
}

TEST(SourceProblemsIntegrationTest, AnUnreadableRootFailsTheRun) {
  if (!CliRunsAsUser()) GTEST_SKIP() << "the user nobody cannot run " << CliPath();
  ScratchDir scratch;
  fs::path bucket = scratch.path() / "bucket";
  ASSERT_TRUE(CreateDirs(bucket).ok());
  ASSERT_EQ(::chmod(scratch.path().c_str(), 0777), 0);
  ASSERT_EQ(::chmod(bucket.c_str(), 0), 0);
  CommandResult run = IngestAsUser(bucket, scratch.path() / "wh");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find(bucket.string() + ": cannot list the source: Permission denied"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(bucket.string()), run.err.rfind(bucket.string())) << "the path is named once: " << run.err;
  ASSERT_EQ(::chmod(bucket.c_str(), 0755), 0);
}

}  // namespace
}  // namespace adxm::testing

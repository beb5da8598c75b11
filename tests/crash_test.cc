// Crash safety: SIGKILL `ingest` at random moments of a multi-commit run; after each,
// a rerun must yield exactly the dataset of one clean run (same rows, same
// content, no extra files). The random delay before each kill is fault injection,
// not synchronization: every outcome of the race is a state the protocol must survive.
#include <signal.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "dataset_checks.h"

namespace adxm::testing {
namespace {

// Flags of every run: at 3 threads commits run on the background writer, the path with the most
// to get wrong; at 2 the ingest thread encodes each commit and the writer's thread syncs and
// commits it (CommitWriter::Mode::kOverlapIo). Killed runs alternate between the two.
std::vector<std::string> IngestFlags(const std::string& threads) {
  return {"--threads", threads, "--commit-objects", "40", "--max-files-per-day", "3"};
}
const std::vector<std::string> kIngestFlags = IngestFlags("3");

std::vector<std::string> IngestArgv(const std::filesystem::path& source, const std::filesystem::path& warehouse,
                                    const std::string& threads) {
  std::vector<std::string> argv = {CliPath(), "ingest", "--source", source.string(), "--warehouse",
                                   warehouse.string()};
  std::vector<std::string> flags = IngestFlags(threads);
  argv.insert(argv.end(), flags.begin(), flags.end());
  return argv;
}

TEST(CrashSafetySlowTest, KillAtRandomMomentsThenRerunEqualsCleanRun) {
  ScratchDir scratch;
  auto bucket = scratch.path() / "bucket";
  GenerateBucket(bucket, {"--seed", "5", "--start", "2023-05-29", "--days", "4", "--events-per-day", "1500"});

  auto clean = scratch.path() / "clean";
  auto started = std::chrono::steady_clock::now();
  CommandResult clean_run = IngestCli(bucket, clean, kIngestFlags);
  auto clean_duration = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(clean_run.exit_code, 0) << clean_run.out << clean_run.err;
  ASSERT_NE(clean_run.out.find("days compacted"), std::string::npos);
  const std::string clean_dump = DumpDataset(clean);
  const auto clean_rows = CountRows(clean);
  ASSERT_EQ(clean_rows, LoadGroundTruth(bucket)["qualifying_events"].get<int64_t>());

  std::mt19937_64 rng(20231125);
  auto max_delay = std::chrono::duration_cast<std::chrono::microseconds>(clean_duration).count();
  int kills = 0;
  for (int round = 0; kills < 24 && round < 60; ++round) {
    auto warehouse = scratch.path() / ("wh" + std::to_string(round));
    // One to three crashes in a row, each interrupting the recovery of the one before.
    int crashes = 1 + static_cast<int>(rng() % 3);
    for (int crash = 0; crash < crashes; ++crash) {
      int pid = SpawnCommand(IngestArgv(bucket, warehouse, round % 2 == 0 ? "3" : "2"), scratch.path() / "log");
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % (max_delay + 1)));
      ::kill(pid, SIGKILL);
      if (WaitCommand(pid) == 128 + SIGKILL) ++kills;
    }
    CommandResult rerun = IngestCli(bucket, warehouse, kIngestFlags);
    ASSERT_EQ(rerun.exit_code, 0) << "round " << round << "\n" << rerun.out << rerun.err;
    EXPECT_EQ(DumpDataset(warehouse), clean_dump) << "round " << round;
    EXPECT_EQ(DataFilesOnDisk(warehouse), LiveFiles(warehouse)) << "round " << round << ": stray files";
    std::filesystem::remove_all(warehouse);
  }
  EXPECT_GE(kills, 20) << "too few runs were still going when killed";
}

}  // namespace
}  // namespace adxm::testing

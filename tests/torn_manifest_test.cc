// Torn manifest writes: a commit's log entry cut at every byte length (as a disk that lost the
// end of a write would leave it), with no checkpoint to fall back on. Loading must recover exactly
// the commits before it, and an ingest that follows must end in the dataset of one clean run.
#include <gtest/gtest.h>

#include "base/file_util.h"
#include "dataset_checks.h"
#include "generate/generator.h"
#include "ingest/ingest.h"
#include "query/query_engine.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "warehouse/manifest.h"

namespace adxm::testing {
namespace {

namespace fs = std::filesystem;

IngestOptions SmallCommits() {
  IngestOptions options;
  options.threads = 1;
  options.max_objects_per_commit = 4;    // Many commits, so many entries to tear.
  options.max_files_per_day = 100000;    // No compaction: every commit's files stay live.
  return options;
}

// A small bucket of one day under `dir`/bucket.
std::unique_ptr<LogSource> SmallBucket(const fs::path& dir) {
  GenerateOptions generate;
  generate.out = dir / "bucket";
  generate.days = 1;
  generate.events_per_day = 40;
  EXPECT_TRUE(Generate(generate).ok());
  return *OpenLocalSource(generate.out);
}

TEST(TornManifestIntegrationTest, EveryTruncationOfTheLastCommitRecoversThePrefixAndIngestEndsClean) {
  ScratchDir scratch;
  auto source = SmallBucket(scratch.path());
  auto clean = scratch.path() / "clean";
  ASSERT_TRUE(Ingest(source.get(), clean, SmallCommits()).ok());
  const std::string clean_dump = DumpDataset(clean);
  fs::remove_all(clean / "_adxmetrics" / "checkpoint");  // The log alone must carry the state.
  fs::remove_all(clean / "_adxmetrics" / "objects");
  std::vector<std::string> log = ManifestFiles(clean);
  ASSERT_GT(log.size(), 5u);
  const std::string last_key = log.back();
  const std::string last = *ReadFile(clean / last_key);
  CommitRecord last_record;
  ASSERT_TRUE(Manifest::DecodeRecord(last, &last_record));

  for (size_t cut = 0; cut < last.size(); cut += (cut < 40 || cut + 40 > last.size()) ? 1 : 7) {
    auto warehouse = scratch.path() / ("wh" + std::to_string(cut));
    fs::copy(clean, warehouse, fs::copy_options::recursive);
    fs::resize_file(warehouse / last_key, cut);
    {
      auto store = *LocalStore::Open(warehouse);
      auto loaded = Manifest::Open(store.get());
      ASSERT_TRUE(loaded.ok()) << "cut " << cut << ": " << loaded.status().ToString();
      // Only the newline lost: the entry's checksum still proves it whole.
      const bool intact = cut + 1 == last.size();
      EXPECT_EQ((*loaded)->next_txn(), last_record.txn + (intact ? 1 : 0)) << "cut " << cut;
      EXPECT_EQ((*loaded)->torn_tail(), intact ? "" : last_key) << "cut " << cut;
    }
    auto report = Ingest(source.get(), warehouse, SmallCommits());
    ASSERT_TRUE(report.ok()) << "cut " << cut << ": " << report.status().ToString();
    EXPECT_EQ(report->objects_ingested, cut + 1 == last.size() ? 0 : last_record.objects.size()) << "cut " << cut;
    EXPECT_EQ(DumpDataset(warehouse), clean_dump) << "cut " << cut;
    EXPECT_EQ(DataFilesOnDisk(warehouse), LiveFiles(warehouse)) << "cut " << cut;
    fs::remove_all(warehouse);
  }
}

TEST(TornManifestIntegrationTest, DamagedCommitFollowedByOthersIsCorruptionNotAGuess) {
  ScratchDir scratch;
  auto source = SmallBucket(scratch.path());
  auto warehouse = scratch.path() / "wh";
  ASSERT_TRUE(Ingest(source.get(), warehouse, SmallCommits()).ok());
  fs::remove_all(warehouse / "_adxmetrics" / "checkpoint");
  std::vector<std::string> log = ManifestFiles(warehouse);
  ASSERT_GT(log.size(), 3u);
  fs::resize_file(warehouse / log[1], 20);
  auto store = *LocalStore::Open(warehouse);
  auto loaded = Manifest::Open(store.get());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(loaded.status().message().find(log[1]), std::string::npos) << loaded.status().ToString();
}

}  // namespace
}  // namespace adxm::testing

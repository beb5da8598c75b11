// Ingest with its threads (extraction workers, the consumer extracting too, the commit writer's
// thread syncing and committing what the ingest thread encoded, or above two threads encoding
// too) gives the dataset of a one-thread run: every qualifying event of the generator's ground
// truth exactly once. Run under ThreadSanitizer by `make test-tsan`.
#include <gtest/gtest.h>

#include "base/file_util.h"
#include "generate/generator.h"
#include "ingest/event_id_set.h"
#include "ingest/ingest.h"
#include "ingest/parquet_reader.h"
#include "test_util.h"
#include "warehouse/local_store.h"
#include "warehouse/snapshot.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

// Rows and distinct eventIDs of the warehouse, read back from its snapshot's files.
std::pair<uint64_t, uint64_t> RowsAndIds(const fs::path& warehouse) {
  auto store = *LocalStore::Open(warehouse);
  auto snapshot = Snapshot::Open(store.get());
  EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  std::vector<fs::path> files;
  for (const SnapshotFile& file : (*snapshot)->files()) files.emplace_back(file.reader_path);
  ParquetReader reader(1);
  uint64_t rows = 0;
  EventIdSet ids;
  EXPECT_TRUE(reader.ReadColumn(files, "eventID", [&](std::string_view id) {
    ++rows;
    ids.Insert(id);
  }).ok());
  return {rows, ids.size()};
}

TEST(IngestThreadsIntegrationTest, EveryThreadCountGivesEachQualifyingEventOnce) {
  testing::ScratchDir scratch;
  GenerateOptions generate;
  generate.out = scratch.path() / "bucket";
  generate.days = 2;
  generate.events_per_day = 400;
  auto summary = Generate(generate);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  // One bad object among them: its ledger entry is written while commits run in the background.
  const fs::path bad = generate.out / "AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/01/"
                                      "111122223333_CloudTrail_us-east-1_20230501T1200Z_badbadbadbadbadb.json.gz";
  ASSERT_TRUE(WriteFile(bad, "not gzip", false).ok());
  auto source = *OpenLocalSource(generate.out);
  // Many commits: the background writer has work in flight, and compaction. Or one commit of both
  // days at the end of the run: its two files encoded side by side.
  for (auto [threads, objects_per_commit] : {std::pair{1, 7}, {2, 7}, {4, 7}, {2, 0}, {4, 0}}) {
    IngestOptions options;
    options.threads = threads;
    options.max_objects_per_commit = objects_per_commit;
    options.max_files_per_day = 3;  // Compaction.
    options.max_loaded_days = 1;    // Day sets dropped and reloaded while commits run.
    options.max_loaded_id_bytes = 0;
    auto warehouse = scratch.path() / ("wh" + std::to_string(threads) + "-" + std::to_string(objects_per_commit));
    auto report = Ingest(source.get(), warehouse, options);
    ASSERT_TRUE(report.ok()) << "threads " << threads << "/" << objects_per_commit << ": " << report.status().ToString();
    const std::string run = "threads " + std::to_string(threads) + ", objects per commit " + std::to_string(objects_per_commit);
    if (objects_per_commit > 0) {
      EXPECT_GT(report->commits, 5u) << run;
    } else {  // One commit of both days' files, written side by side.
      EXPECT_EQ(report->commits, 1u) << run;
      EXPECT_EQ(report->files_written, 2u) << run;
    }
    ASSERT_EQ(report->rejected.size(), 1u) << run;
    auto [rows, ids] = RowsAndIds(warehouse);
    EXPECT_EQ(rows, summary->qualifying_events) << run;
    EXPECT_EQ(ids, rows) << run;
  }
}

}  // namespace
}  // namespace adxm

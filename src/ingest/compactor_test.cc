// Compactor::Due agrees with the files a day holds, counted from the warehouse's snapshot.
#include "ingest/compactor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "generate/generator.h"
#include "ingest/ingest.h"
#include "test_util.h"
#include "warehouse/local_store.h"
#include "warehouse/snapshot.h"

namespace adxm {
namespace {

TEST(CompactorTest, DueWhenADayHoldsMoreFilesThanTheLimit) {
  testing::ScratchDir scratch;
  GenerateOptions generate;
  generate.out = scratch.path() / "bucket";
  generate.days = 2;
  generate.events_per_day = 300;
  ASSERT_TRUE(Generate(generate).ok());
  auto source = *OpenLocalSource(generate.out);
  IngestOptions options;
  options.threads = 1;
  options.max_objects_per_commit = 3;  // Several files a day, none compacted.
  options.max_files_per_day = 100000;
  const auto warehouse_dir = scratch.path() / "wh";
  auto report = Ingest(source.get(), warehouse_dir, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  auto store = *LocalStore::Open(warehouse_dir);
  size_t most_files = 0;
  {
    auto snapshot = Snapshot::Open(store.get());
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    std::map<std::string, size_t> files_per_day;
    for (const SnapshotFile& file : (*snapshot)->files()) {
      ++files_per_day[std::filesystem::path(file.reader_path).parent_path().string()];
    }
    ASSERT_EQ(files_per_day.size(), 2u);
    for (const auto& [day, files] : files_per_day) most_files = std::max(most_files, files);
  }
  ASSERT_GT(most_files, 2u);
  auto warehouse = Warehouse::OpenForWrite(store.get(), {});
  ASSERT_TRUE(warehouse.ok()) << warehouse.status().ToString();
  ParquetReader reader(1);
  IngestReport unused;
  EXPECT_TRUE(Compactor(warehouse->get(), &reader, most_files - 1, &unused).Due());
  EXPECT_FALSE(Compactor(warehouse->get(), &reader, most_files, &unused).Due());
}

}  // namespace
}  // namespace adxm

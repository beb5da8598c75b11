// Compactor::Due agrees with the data files a day holds, counted on disk, and with what
// CompactAll then compacts.
#include "ingest/compactor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "generate/generator.h"
#include "ingest/ingest.h"
#include "test_util.h"
#include "warehouse/local_store.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

// Parquet files per day folder of the published table, counted on disk.
std::map<std::string, size_t> FilesPerDay(const fs::path& table) {
  std::map<std::string, size_t> files;
  for (const auto& entry : fs::recursive_directory_iterator(table)) {
    if (entry.is_regular_file() && entry.path().extension() == ".parquet") ++files[entry.path().parent_path().string()];
  }
  return files;
}

TEST(CompactorTest, DueWhenAnyDayHoldsMoreFilesThanTheLimitAsCompactAllFinds) {
  testing::ScratchDir scratch;
  GenerateOptions generate;
  generate.out = scratch.path() / "bucket";
  generate.days = 2;
  generate.events_per_day = 60;
  generate.regions = 1;
  generate.window_seconds = 7200;  // ~12 objects a day.
  ASSERT_TRUE(Generate(generate).ok());
  // The second day loses half its objects: its file count differs from the first's.
  std::vector<fs::path> second_day;
  for (const auto& entry : fs::recursive_directory_iterator(generate.out)) {
    if (entry.is_regular_file() && entry.path().parent_path().filename() == "02") second_day.push_back(entry.path());
  }
  std::sort(second_day.begin(), second_day.end());
  ASSERT_GT(second_day.size(), 4u);
  for (size_t index = 0; index < second_day.size(); index += 2) fs::remove(second_day[index]);
  auto source = *OpenLocalSource(generate.out);
  IngestOptions options;
  options.threads = 1;
  options.max_objects_per_commit = 2;  // Several files a day, none compacted.
  options.max_files_per_day = 100000;
  const fs::path warehouse_dir = scratch.path() / "wh";
  auto report = Ingest(source.get(), warehouse_dir, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  const std::map<std::string, size_t> files = FilesPerDay(warehouse_dir / "adx_for_s3_metrics");
  ASSERT_EQ(files.size(), 2u);
  size_t most = 0, least = SIZE_MAX;
  for (const auto& [day, count] : files) {
    most = std::max(most, count);
    least = std::min(least, count);
  }
  ASSERT_GT(least, 1u);
  ASSERT_GT(most, least) << "the days' file counts must differ to tell 'any day' from 'every day'";

  auto store = *LocalStore::Open(warehouse_dir);
  auto warehouse = Warehouse::OpenForWrite(store.get(), {});
  ASSERT_TRUE(warehouse.ok()) << warehouse.status().ToString();
  ParquetReader reader(/*threads=*/1);
  IngestReport compacted;
  Compactor at_most(warehouse->get(), &reader, most, &compacted);
  EXPECT_FALSE(at_most.Due());
  ASSERT_TRUE(at_most.CompactAll({}).ok());
  EXPECT_EQ(compacted.days_compacted, 0u);
  EXPECT_TRUE(Compactor(warehouse->get(), &reader, least, &compacted).Due());  // One day is over it.

  Compactor below_most(warehouse->get(), &reader, most - 1, &compacted);
  EXPECT_TRUE(below_most.Due());
  ASSERT_TRUE(below_most.CompactAll({}).ok());
  EXPECT_EQ(compacted.days_compacted, 1u);
  EXPECT_FALSE(below_most.Due());  // That day now holds one file.
}

}  // namespace
}  // namespace adxm

#include "dataset/warehouse.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace adxm {
namespace {

TEST(WarehouseTest, OpenRemovesStagingAndUnnamedFilesButKeepsLiveOnes) {
  testing::ScratchDir dir;
  WarehouseLayout layout(dir.path());
  {
    auto warehouse = *Warehouse::OpenForWrite(dir.path());
    auto staged = warehouse->StagingPath("x.parquet");
    ASSERT_TRUE(WriteFile(staged, "data", true).ok());
    CommitRecord record;
    record.txn = 1;
    record.added_files = {"year=2023/month=05/day=01/part-1.parquet"};
    ASSERT_TRUE(warehouse->Commit({{staged, record.added_files[0]}}, record).ok());
  }
  // Leftovers of an interrupted run: a staged file and a published-but-uncommitted file.
  ASSERT_TRUE(WriteFile(layout.staging_dir() / "junk", "j", false).ok());
  auto orphan = layout.table_dir() / "year=2023/month=05/day=01/part-2.parquet";
  ASSERT_TRUE(WriteFile(orphan, "o", false).ok());
  auto warehouse = Warehouse::OpenForWrite(dir.path());
  ASSERT_TRUE(warehouse.ok());
  EXPECT_EQ((*warehouse)->orphans_removed(), 1u);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_FALSE(fs::exists(layout.staging_dir() / "junk"));
  EXPECT_EQ(*ReadFile(layout.table_dir() / "year=2023/month=05/day=01/part-1.parquet"), "data");
  const auto& live = (*warehouse)->manifest().live_files();
  EXPECT_EQ(LiveFilesIn(live, "year=2023/month=05/day=01"),
            std::vector<std::string>({"year=2023/month=05/day=01/part-1.parquet"}));
  EXPECT_TRUE(LiveFilesIn(live, "year=2023/month=05/day=0").empty());
}

TEST(WarehouseTest, SecondWriterFailsFastNamingTheHolder) {
  testing::ScratchDir dir;
  auto first = Warehouse::OpenForWrite(dir.path());
  ASSERT_TRUE(first.ok());
  auto second = Warehouse::OpenForWrite(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("pid "), std::string::npos);
}

}  // namespace
}  // namespace adxm

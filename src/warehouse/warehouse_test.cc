#include "warehouse/warehouse.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file_util.h"
#include "test_util.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "warehouse/snapshot.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

const std::string kDay1 = "year=2023/month=05/day=01/";

class WarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = *LocalStore::Open(dir_.path()); }

  std::unique_ptr<Warehouse> Open(int64_t retention = 3600) {
    WarehouseOptions options;
    options.retention_seconds = retention;
    options.clock = [this] { return now_; };
    auto warehouse = Warehouse::OpenForWrite(store_.get(), options);
    EXPECT_TRUE(warehouse.ok()) << warehouse.status().ToString();
    return warehouse.ok() ? std::move(*warehouse) : nullptr;
  }
  // Write a data file with `content` and commit it (removing `removed`).
  void CommitFile(Warehouse* warehouse, const std::string& relative, const std::string& content,
                  std::vector<std::string> removed = {}) {
    auto file = warehouse->NewDataFile(relative);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append(content).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Close().ok());
    CommitRecord record;
    record.txn = warehouse->manifest().next_txn();
    record.added_files = {relative};
    record.removed_files = std::move(removed);
    ASSERT_TRUE(warehouse->Commit(record).ok());
  }
  std::string Visible(const std::string& relative) {
    auto data = ReadFile(dir_.path() / "adx_for_s3_metrics" / relative);
    return data.ok() ? *data : "<missing>";
  }

  testing::ScratchDir dir_;
  std::unique_ptr<LocalStore> store_;
  int64_t now_ = 1000;
};

TEST_F(WarehouseTest, CommitPublishesAndAReplacedFileBecomesEmptyWhileItsStableCopyStays) {
  auto warehouse = Open();
  CommitFile(warehouse.get(), kDay1 + "part-0000000001.parquet", "rows of 1");
  EXPECT_EQ(Visible(kDay1 + "part-0000000001.parquet"), "rows of 1");
  auto snapshot = Snapshot::Open(store_.get());
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ((*snapshot)->files().size(), 1u);
  const std::string old_path = (*snapshot)->files()[0].reader_path;
  CommitFile(warehouse.get(), kDay1 + "part-0000000002.parquet", "rows of 1 merged", {kDay1 + "part-0000000001.parquet"});
  EXPECT_EQ(Visible(kDay1 + "part-0000000001.parquet"), EmptyDataFileBytes());
  EXPECT_EQ(Visible(kDay1 + "part-0000000002.parquet"), "rows of 1 merged");
  EXPECT_EQ(*ReadFile(old_path), "rows of 1");  // The older snapshot still reads its file.
  EXPECT_EQ(warehouse->state().retained.count(kDay1 + "part-0000000001.parquet"), 1u);
}

TEST_F(WarehouseTest, AWarehouseCopiedWithoutItsHardLinksStillEmptiesReplacedFiles) {
  auto warehouse = Open();
  CommitFile(warehouse.get(), kDay1 + "part-0000000001.parquet", "rows of 1");
  // As `cp -r` or a sync leaves it: the visible file a separate copy of the stable one.
  fs::path visible = dir_.path() / "adx_for_s3_metrics" / kDay1 / "part-0000000001.parquet";
  fs::remove(visible);
  ASSERT_TRUE(WriteFile(visible, "rows of 1", false).ok());
  CommitFile(warehouse.get(), kDay1 + "part-0000000002.parquet", "rows of 1 merged", {kDay1 + "part-0000000001.parquet"});
  EXPECT_EQ(Visible(kDay1 + "part-0000000001.parquet"), EmptyDataFileBytes());
  EXPECT_EQ(Visible(kDay1 + "part-0000000002.parquet"), "rows of 1 merged");
}

TEST_F(WarehouseTest, VacuumWaitsForTheRetentionWindowAndForOlderSnapshots) {
  auto warehouse = Open(/*retention=*/100);
  CommitFile(warehouse.get(), kDay1 + "part-0000000001.parquet", "a");
  auto snapshot = Snapshot::Open(store_.get());  // Reads part-1: holds a lease at txn 1.
  ASSERT_TRUE(snapshot.ok());
  CommitFile(warehouse.get(), kDay1 + "part-0000000002.parquet", "a2", {kDay1 + "part-0000000001.parquet"});
  uint64_t vacuumed = 0;
  ASSERT_TRUE(warehouse->Vacuum(&vacuumed).ok());
  EXPECT_EQ(vacuumed, 0u);  // Too recent.
  now_ += 200;
  ASSERT_TRUE(warehouse->Vacuum(&vacuumed).ok());
  EXPECT_EQ(vacuumed, 0u);  // Old enough, but a snapshot from before its removal is open.
  EXPECT_TRUE(fs::exists((*snapshot)->files()[0].reader_path));
  snapshot->reset();
  ASSERT_TRUE(warehouse->Vacuum(&vacuumed).ok());
  EXPECT_EQ(vacuumed, 1u);
  EXPECT_EQ(Visible(kDay1 + "part-0000000001.parquet"), "<missing>");
  EXPECT_FALSE(fs::exists(dir_.path() / "_adxmetrics/data" / kDay1 / "part-0000000001.parquet"));
  EXPECT_TRUE(warehouse->state().retained.empty());
  EXPECT_EQ(Visible(kDay1 + "part-0000000002.parquet"), "a2");
}

TEST_F(WarehouseTest, OpenFinishesAnInterruptedPublishAndDeletesOnlyItsOwnLeftovers) {
  {
    auto warehouse = Open();
    CommitFile(warehouse.get(), kDay1 + "part-0000000001.parquet", "one");
    CommitFile(warehouse.get(), kDay1 + "part-0000000002.parquet", "two", {kDay1 + "part-0000000001.parquet"});
  }
  // As a crash between the commit point and the publish leaves it: the removed file still
  // visible with its rows, the added one not yet linked. Plus an uncommitted stable copy and
  // files of other origins.
  fs::remove(dir_.path() / "adx_for_s3_metrics" / kDay1 / "part-0000000001.parquet");
  ASSERT_TRUE(store_->Link("_adxmetrics/data/" + kDay1 + "part-0000000001.parquet",
                           "adx_for_s3_metrics/" + kDay1 + "part-0000000001.parquet").ok());
  fs::remove(dir_.path() / "adx_for_s3_metrics" / kDay1 / "part-0000000002.parquet");
  ASSERT_TRUE(store_->PutIfAbsent("_adxmetrics/data/" + kDay1 + "part-0000000003.parquet", "uncommitted").ok());
  ASSERT_TRUE(store_->PutIfAbsent("adx_for_s3_metrics/NOTES.txt", "mine").ok());
  ASSERT_TRUE(store_->PutIfAbsent("_adxmetrics/my-notes.txt", "mine too").ok());
  auto warehouse = Open();
  EXPECT_EQ(warehouse->recovery().published, 1u);
  EXPECT_EQ(warehouse->recovery().unpublished, 1u);
  EXPECT_EQ(warehouse->recovery().uncommitted_removed, 1u);
  EXPECT_EQ(warehouse->recovery().foreign_files, std::vector<std::string>{"NOTES.txt"});
  EXPECT_EQ(Visible(kDay1 + "part-0000000001.parquet"), EmptyDataFileBytes());
  EXPECT_EQ(Visible(kDay1 + "part-0000000002.parquet"), "two");
  EXPECT_FALSE(fs::exists(dir_.path() / "_adxmetrics/data" / kDay1 / "part-0000000003.parquet"));
  EXPECT_EQ(Visible("NOTES.txt"), "mine");
  EXPECT_TRUE(fs::exists(dir_.path() / "_adxmetrics/my-notes.txt"));
}

TEST_F(WarehouseTest, WithoutAManifestForeignOrOrphanedDataFilesAreRefusedNotDeleted) {
  ASSERT_TRUE(store_->PutIfAbsent("adx_for_s3_metrics/" + kDay1 + "part-0000000007.parquet", "lost").ok());
  auto refused = Warehouse::OpenForWrite(store_.get(), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--rebuild"), std::string::npos) << refused.status().ToString();
  EXPECT_EQ(Visible(kDay1 + "part-0000000007.parquet"), "lost");
  WarehouseOptions rebuild;
  rebuild.allow_unmanaged_files = true;
  auto adopted = Warehouse::OpenForWrite(store_.get(), rebuild);
  ASSERT_TRUE(adopted.ok()) << adopted.status().ToString();
  EXPECT_EQ((*adopted)->recovery().unmanaged_files, std::vector<std::string>{kDay1 + "part-0000000007.parquet"});
  adopted->reset();
  ASSERT_TRUE(store_->PutIfAbsent("adx_for_s3_metrics/run-00000.parquet", "glue output").ok());
  auto foreign = Warehouse::OpenForWrite(store_.get(), rebuild);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("did not write"), std::string::npos) << foreign.status().ToString();
  EXPECT_EQ(Visible("run-00000.parquet"), "glue output");
}

TEST_F(WarehouseTest, SecondWriterFailsFastNamingTheHolder) {
  auto first = Open();
  auto second = Warehouse::OpenForWrite(store_.get(), {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("pid "), std::string::npos);
}

TEST_F(WarehouseTest, LayoutKnowsItsOwnNamesAndHiddenOnes) {
  EXPECT_TRUE(WarehouseLayout::IsDataFileName(WarehouseLayout::DataFileName(PartitionDir(19478), 42)));
  EXPECT_EQ(WarehouseLayout::DataFileName(PartitionDir(19478), 42), "year=2023/month=05/day=01/part-0000000042.parquet");
  EXPECT_FALSE(WarehouseLayout::IsDataFileName("year=2023/month=05/day=01/part-42.parquet"));
  EXPECT_FALSE(WarehouseLayout::IsDataFileName("year=2023/month=05/day=01/notes.parquet00"));
  EXPECT_TRUE(WarehouseLayout::IsHidden("_tmp/x"));
  EXPECT_TRUE(WarehouseLayout::IsHidden("year=2023/.x.tmp-1-2"));
  EXPECT_FALSE(WarehouseLayout::IsHidden("year=2023/month=05/x.parquet"));
  EXPECT_EQ(WarehouseLayout::TxnOfKey(WarehouseLayout::LogKey(42)), 42u);
  EXPECT_EQ(WarehouseLayout::TxnOfKey("_adxmetrics/log/.00000000000000000042.json.tmp-1-1"), 0u);
}

}  // namespace
}  // namespace adxm

#include "schema/row_batch.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

TEST(RowBatchTest, StoresStringsIntegersAndNulls) {
  RowBatch batch;
  batch.AddRow();
  batch.SetString(kEventId, "id-1");
  batch.SetInt(kEventTime, -5);
  batch.SetInt(kBytesAccessed, int64_t{1} << 40);
  batch.AddRow();
  batch.SetString(kEventId, "");
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.GetString(kEventId, 0), "id-1");
  EXPECT_EQ(batch.GetInt(kEventTime, 0), -5);
  EXPECT_EQ(batch.GetInt(kBytesAccessed, 0), int64_t{1} << 40);
  EXPECT_FALSE(batch.IsNull(kEventId, 1));
  EXPECT_EQ(batch.GetString(kEventId, 1), "");
  EXPECT_TRUE(batch.IsNull(kPrefix, 0));
  EXPECT_TRUE(batch.IsNull(kEventTime, 1));
}

TEST(RowBatchTest, AppendRowFromCopiesEveryCell) {
  RowBatch source;
  source.AddRow();
  source.SetString(kPrefix, "data/2023/");
  source.SetInt(kBytesIn, 0);
  RowBatch copy;
  copy.AppendRowFrom(source, 0);
  EXPECT_EQ(copy.GetString(kPrefix, 0), "data/2023/");
  EXPECT_FALSE(copy.IsNull(kBytesIn, 0));
  EXPECT_EQ(copy.GetInt(kBytesIn, 0), 0);
  EXPECT_TRUE(copy.IsNull(kEventId, 0));
}

TEST(RowBatchTest, PopRowForgetsIntegerCells) {
  RowBatch batch;
  batch.AddRow();
  batch.AddRow();
  batch.SetInt(kBytesIn, 7);
  batch.PopRow();
  batch.AddRow();
  EXPECT_TRUE(batch.IsNull(kBytesIn, 1));
}

TEST(RowBatchTest, SetStringOrShareStoresARepeatedValueOnce) {
  RowBatch batch;
  batch.AddRow();
  batch.SetStringOrShare(kProviderBucketName, "bucket-a");  // No previous row: copied.
  batch.SetStringOrShare(kPrefix, "");
  const size_t one_row = batch.ByteSize();
  batch.AddRow();
  batch.SetStringOrShare(kProviderBucketName, "bucket-a");  // Same bytes: shared.
  batch.SetStringOrShare(kPrefix, "");
  batch.SetStringOrShare(kObjectKey, "k");  // NULL in the previous row: copied.
  const size_t row_cells = one_row - std::string_view("bucket-a").size();
  EXPECT_EQ(batch.ByteSize(), one_row + row_cells + 1);  // Of row 2's strings only "k" took bytes.
  batch.AddRow();
  batch.SetStringOrShare(kProviderBucketName, "bucket-b");  // Same length, other bytes.
  batch.SetStringOrShare(kPrefix, "p");                    // Empty before: copied.
  batch.SetStringOrShare(kObjectKey, "kk");                 // Other length.
  ASSERT_EQ(batch.num_rows(), 3u);
  EXPECT_EQ(batch.GetString(kProviderBucketName, 0), "bucket-a");
  EXPECT_EQ(batch.GetString(kProviderBucketName, 1), "bucket-a");
  EXPECT_EQ(batch.GetString(kProviderBucketName, 2), "bucket-b");
  EXPECT_EQ(batch.GetString(kPrefix, 1), "");
  EXPECT_FALSE(batch.IsNull(kPrefix, 1));
  EXPECT_EQ(batch.GetString(kPrefix, 2), "p");
  EXPECT_TRUE(batch.IsNull(kObjectKey, 0));
  EXPECT_EQ(batch.GetString(kObjectKey, 1), "k");
  EXPECT_EQ(batch.GetString(kObjectKey, 2), "kk");
  EXPECT_EQ(batch.GetString(kProviderBucketName, 1).data(), batch.GetString(kProviderBucketName, 0).data());
  EXPECT_NE(batch.GetString(kProviderBucketName, 2).data(), batch.GetString(kProviderBucketName, 1).data());
  // A roll back drops the bytes copied after the mark; a row added then compares with the last
  // row kept, and shares its bytes.
  RowBatch::Mark mark = batch.GetMark();
  batch.AddRow();
  batch.SetStringOrShare(kProviderBucketName, "bucket-c");
  batch.RollBack(mark);
  batch.AddRow();
  batch.SetStringOrShare(kProviderBucketName, "bucket-b");
  EXPECT_EQ(batch.GetString(kProviderBucketName, 3), "bucket-b");
  EXPECT_EQ(batch.GetString(kProviderBucketName, 3).data(), batch.GetString(kProviderBucketName, 2).data());
  // Shared cells read the same after a compact copy.
  RowBatch copy;
  copy.AssignCompact(batch);
  EXPECT_EQ(copy.GetString(kProviderBucketName, 1), "bucket-a");
  EXPECT_EQ(copy.GetString(kProviderBucketName, 2), "bucket-b");
  EXPECT_EQ(copy.GetString(kProviderBucketName, 3), "bucket-b");
  EXPECT_EQ(copy.GetString(kObjectKey, 2), "kk");
}

TEST(RowBatchTest, AssignCompactCopiesEveryCellWithoutSpareCapacity) {
  RowBatch source;
  source.Reserve(1000, 1 << 20);  // As extraction does, for a whole object's records.
  source.AddRow();
  source.SetString(kEventId, "id-1");
  source.SetString(kSourceLogFile, "AWSLogs/key.json.gz");
  source.SetInt(kEventTime, 1683000000000000);
  source.AddRow();
  source.SetString(kEventId, "id-2");
  source.ShareStringFrom(kSourceLogFile, 0);
  source.SetInt(kBytesIn, 0);
  RowBatch copy;
  copy.AddRow();  // Whatever it held before is replaced.
  copy.SetString(kPrefix, "stale");
  copy.AssignCompact(source);
  ASSERT_EQ(copy.num_rows(), 2u);
  EXPECT_EQ(copy.GetString(kEventId, 0), "id-1");
  EXPECT_EQ(copy.GetString(kEventId, 1), "id-2");
  EXPECT_EQ(copy.GetString(kSourceLogFile, 1), "AWSLogs/key.json.gz");
  EXPECT_EQ(copy.GetInt(kEventTime, 0), 1683000000000000);
  EXPECT_TRUE(copy.IsNull(kEventTime, 1));
  EXPECT_FALSE(copy.IsNull(kBytesIn, 1));
  EXPECT_TRUE(copy.IsNull(kPrefix, 0));
  EXPECT_EQ(copy.ByteSize(), source.ByteSize());
  EXPECT_LT(copy.CapacityBytes(), source.CapacityBytes() / 100);
  // The copy owns its bytes: the source may be cleared and refilled.
  source.Clear();
  source.AddRow();
  source.SetString(kEventId, "id-3");
  EXPECT_EQ(copy.GetString(kEventId, 0), "id-1");
}

TEST(RowBatchTest, RollBackDropsTheRowsAfterTheMark) {
  RowBatch batch;
  batch.AddRow();
  batch.SetString(kEventId, "kept");
  batch.SetInt(kBytesAccessed, 7);
  RowBatch::Mark mark = batch.GetMark();
  const size_t bytes_at_mark = batch.ByteSize();
  batch.AddRow();
  batch.SetString(kEventId, "dropped");
  batch.SetInt(kBytesAccessed, 8);
  batch.RollBack(mark);
  ASSERT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(batch.GetString(kEventId, 0), "kept");
  EXPECT_EQ(batch.GetInt(kBytesAccessed, 0), 7);
  EXPECT_EQ(batch.ByteSize(), bytes_at_mark);
  batch.AddRow();  // The arena continues where the mark left it.
  batch.SetString(kEventId, "again");
  EXPECT_EQ(batch.GetString(kEventId, 1), "again");
  EXPECT_EQ(batch.GetString(kEventId, 0), "kept");
  EXPECT_TRUE(batch.IsNull(kBytesAccessed, 1));
}

}  // namespace
}  // namespace adxm

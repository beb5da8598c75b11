#include "warehouse/object_index.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

TEST(ObjectIndexTest, PartIsTheLastDeliveryDayFolderOfTheKey) {
  EXPECT_EQ(ObjectIndexPart("AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/01/"
                            "111122223333_CloudTrail_us-east-1_20230501T0005Z_ab12cd34ef56gh78.json.gz"),
            "20230501");
  EXPECT_EQ(ObjectIndexPart("AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2024/12/31/x.json.gz"), "20241231");
  EXPECT_EQ(ObjectIndexPart("logs/2023/5/1/x.json.gz"), "other");
  EXPECT_EQ(ObjectIndexPart("x.json.gz"), "other");
  EXPECT_EQ(ObjectIndexPart(""), "other");
  EXPECT_EQ(ObjectIndexPart("/2023/05/01/"), "20230501");
}

TEST(ObjectIndexTest, RoundTripsSortedEntriesWithSharedPrefixes) {
  std::vector<IndexedObject> entries = {
      {"AWSLogs/1/CloudTrail/us-east-1/2023/05/01/a.json.gz", 10, "\"etag-a\""},
      {"AWSLogs/1/CloudTrail/us-east-1/2023/05/01/ab.json.gz", 0, ""},
      {"AWSLogs/1/CloudTrail/us-east-1/2023/05/01/b.json.gz", 1ull << 40, std::string("v\0x", 3)},
      {"AWSLogs/2/x", 7, "mtime-1"},
  };
  std::string data = EncodeObjectIndex(entries);
  auto decoded = DecodeObjectIndex(data, "part");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), entries.size());
  for (size_t index = 0; index < entries.size(); ++index) {
    EXPECT_EQ((*decoded)[index].key, entries[index].key);
    EXPECT_EQ((*decoded)[index].size, entries[index].size);
    EXPECT_EQ((*decoded)[index].version, entries[index].version);
  }
  // Front coding: the shared ~40-byte prefix is stored once.
  EXPECT_LT(data.size(), 4 * 40u);
  auto empty = DecodeObjectIndex(EncodeObjectIndex({}), "empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ObjectIndexTest, EveryTruncationAndEveryFlippedByteIsCorruptionNamingThePart) {
  std::string data = EncodeObjectIndex({{"AWSLogs/a", 1, "v1"}, {"AWSLogs/b", 2, "v2"}});
  for (size_t cut = 0; cut < data.size(); ++cut) {
    auto decoded = DecodeObjectIndex(std::string_view(data).substr(0, cut), "objects/p.idx");
    ASSERT_FALSE(decoded.ok()) << "cut " << cut;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
    EXPECT_NE(decoded.status().message().find("objects/p.idx"), std::string::npos);
  }
  for (size_t pos = 0; pos < data.size(); ++pos) {
    std::string flipped = data;
    flipped[pos] = static_cast<char>(flipped[pos] ^ 0x20);
    EXPECT_FALSE(DecodeObjectIndex(flipped, "p").ok()) << "byte " << pos;
  }
}

}  // namespace
}  // namespace adxm

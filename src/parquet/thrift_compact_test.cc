#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace adxm {
namespace {

using testing::Bytes;

TEST(ThriftCompactTest, ShortFieldDeltasShareTheTypeByte) {
  std::string out;
  ThriftCompactWriter writer(&out);
  writer.I32Field(1, 42);   // delta 1, type 5; zigzag(42) = 84
  writer.I64Field(3, -1);   // delta 2, type 6; zigzag(-1) = 1
  writer.BoolField(4, true);
  writer.EndStruct();
  EXPECT_EQ(out, Bytes({0x15, 0x54, 0x26, 0x01, 0x11, 0x00}));
}

TEST(ThriftCompactTest, LongFieldDeltaWritesTheId) {
  std::string out;
  ThriftCompactWriter writer(&out);
  writer.I32Field(1, 1);
  writer.I32Field(20, 1);  // delta 19: type byte, then zigzag(20) = 40
  writer.EndStruct();
  EXPECT_EQ(out, Bytes({0x15, 0x02, 0x05, 0x28, 0x02, 0x00}));
}

TEST(ThriftCompactTest, NestedStructsRestoreTheFieldId) {
  std::string out;
  ThriftCompactWriter writer(&out);
  writer.BeginStructField(5);
  writer.I32Field(1, 0);
  writer.EndStruct();
  writer.I32Field(6, 300);  // delta from 5, not from the inner 1; zigzag(300) = 600
  writer.EndStruct();
  EXPECT_EQ(out, Bytes({0x5C, 0x15, 0x00, 0x00, 0x15, 0xD8, 0x04, 0x00}));
}

TEST(ThriftCompactTest, ListsHaveShortAndLongHeaders) {
  std::string out;
  ThriftCompactWriter writer(&out);
  writer.BeginListField(1, ThriftType::kBinary, 1);
  writer.BinaryElement("ab");
  writer.BeginListField(2, ThriftType::kI32, 15);
  for (int value = 0; value < 15; ++value) writer.I32Element(0);
  writer.EndStruct();
  std::string expected = Bytes({0x19, 0x18, 0x02, 'a', 'b', 0x19, 0xF5, 0x0F});
  expected.append(15, '\0');
  expected.push_back('\0');
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace adxm

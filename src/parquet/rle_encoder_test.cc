#include "parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <span>
#include <string>
#include <vector>

#include "test_util.h"

namespace adxm {
namespace {

using testing::Bytes;

TEST(RleEncoderTest, RunOfEightOrMoreIsOneRleRun) {
  std::vector<uint32_t> values(300, 5);
  std::string out;
  AppendRleHybrid(values, 3, &out);
  // Header varint(300 << 1) = 0xD8 0x04, then the value in one byte.
  EXPECT_EQ(out, Bytes({0xD8, 0x04, 0x05}));
}

// ColumnChunkWriter keeps 4 + 3 bytes per 8 cells (+ a margin) before a PLAIN page's values for
// its definition levels: no pattern of levels may encode larger.
TEST(RleEncoderTest, DefinitionLevelsTakeAtMostThreeBytesPerEightCells) {
  constexpr size_t kCells = 32768;
  std::vector<std::vector<uint8_t>> patterns(6, std::vector<uint8_t>(kCells));
  std::mt19937 rng(7);
  for (size_t i = 0; i < kCells; ++i) {
    patterns[0][i] = i % 2;                          // Strict alternation: all bit-packed.
    patterns[1][i] = (i % 16) < 8 || i % 2 == 0;     // A run of 8, then a literal group.
    patterns[2][i] = (i % 17) < 8 || i % 3 == 0;     // Runs of 8 off the groups' alignment.
    patterns[3][i] = (i % 9) < 8;                    // Runs of 8 broken by one cell.
    patterns[4][i] = rng() % 2;                      // Random.
    patterns[5][i] = (i / 8) % 2 == 0 ? 1 : i % 2;   // Runs and literals taking turns per group.
  }
  for (size_t p = 0; p < patterns.size(); ++p) {
    for (size_t cells : {size_t{1}, size_t{7}, size_t{9}, size_t{1000}, kCells}) {
      std::string out;
      AppendDefinitionLevels(std::span<const uint8_t>(patterns[p].data(), cells), &out);
      EXPECT_LE(out.size(), 4 + 3 * (cells / 8 + 1)) << "pattern " << p << ", " << cells << " cells";
    }
  }
}

TEST(RleEncoderTest, BitPacksTheSpecExample) {
  // parquet-format Encodings.md: 0..7 with bit width 3 packs to 10001000 11000110 11111010.
  std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  AppendRleHybrid(values, 3, &out);
  EXPECT_EQ(out, Bytes({0x03, 0x88, 0xC6, 0xFA}));
}

TEST(RleEncoderTest, PadsTheLastGroupWithZeros) {
  std::vector<uint32_t> values = {1, 0, 1};
  std::string out;
  AppendRleHybrid(values, 1, &out);
  EXPECT_EQ(out, Bytes({0x03, 0x05}));
}

TEST(RleEncoderTest, LiteralGroupsThenRun) {
  // 8 literals (one group), then a run of 10 twos.
  std::vector<uint32_t> values = {0, 1, 0, 1, 0, 1, 0, 1};
  values.insert(values.end(), 10, 2);
  std::string out;
  AppendRleHybrid(values, 2, &out);
  EXPECT_EQ(out, Bytes({0x03, 0x44, 0x44, 0x14, 0x02}));
}

TEST(RleEncoderTest, WideValuesUseEnoughBytes) {
  std::vector<uint32_t> values(8, 0x12345);
  std::string out;
  AppendRleHybrid(values, 17, &out);
  EXPECT_EQ(out, Bytes({0x10, 0x45, 0x23, 0x01}));
}

TEST(RleEncoderTest, DefinitionLevelsArePrefixedWithTheirLength) {
  std::vector<uint8_t> levels(20, 1);
  std::string out;
  AppendDefinitionLevels(levels, &out);
  EXPECT_EQ(out, Bytes({0x02, 0x00, 0x00, 0x00, 0x28, 0x01}));
}

TEST(RleEncoderTest, BitWidthHoldsTheLargestIndex) {
  EXPECT_EQ(BitWidthFor(0), 1);
  EXPECT_EQ(BitWidthFor(1), 1);
  EXPECT_EQ(BitWidthFor(2), 1);
  EXPECT_EQ(BitWidthFor(3), 2);
  EXPECT_EQ(BitWidthFor(256), 8);
  EXPECT_EQ(BitWidthFor(257), 9);
}

}  // namespace
}  // namespace adxm

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

// ColumnChunkWriter keeps MaxDefinitionLevelsBytes(cells) before a PLAIN page's values for its
// definition levels: no pattern of levels may encode larger.
TEST(RleEncoderTest, DefinitionLevelsNeverTakeMoreThanTheirBound) {
  constexpr size_t kCells = 32769;  // kMaxPageCells + 1: the longest page.
  std::vector<std::vector<uint8_t>> patterns(6, std::vector<uint8_t>(kCells));
  std::mt19937 rng(7);
  for (size_t cell = 0; cell < kCells; ++cell) {
    patterns[0][cell] = cell % 2;                               // Strict alternation: all bit-packed.
    patterns[1][cell] = (cell % 16) < 8 || cell % 2 == 0;       // A run of 8, then a literal group.
    patterns[2][cell] = (cell % 17) < 8 || cell % 3 == 0;       // Runs of 8 off the groups' alignment.
    patterns[3][cell] = (cell % 9) < 8;                         // Runs of 8 broken by one cell.
    patterns[4][cell] = rng() % 2;                              // Random.
    patterns[5][cell] = (cell / 8) % 2 == 0 ? 1 : cell % 2;     // Runs and literals taking turns per group.
  }
  for (size_t pattern = 0; pattern < patterns.size(); ++pattern) {
    for (size_t cells : {size_t{1}, size_t{7}, size_t{9}, size_t{1000}, size_t{32768}, kCells}) {
      std::string out;
      AppendDefinitionLevels(std::span<const uint8_t>(patterns[pattern].data(), cells), &out);
      // Independently: at most 2 bytes per group of 8 cells begun, plus the 4-byte length.
      EXPECT_LE(out.size(), 4 + 2 * ((cells + 7) / 8)) << "pattern " << pattern << ", " << cells << " cells";
      EXPECT_LE(out.size(), MaxDefinitionLevelsBytes(cells)) << "pattern " << pattern << ", " << cells << " cells";
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

// The RLE / bit-packed hybrid encoding of Parquet, for definition levels and dictionary indices.
//
// Runs of 8 or more equal values become RLE runs; everything else is bit-packed in groups of 8
// (the last group padded with zeros; readers stop at the page's value count).
//
// Thread-safety: pure functions.
// Example:
//   std::vector<uint32_t> indices = {0, 0, 1, 2};
//   AppendRleHybrid(std::span<const uint32_t>(indices), /*bit_width=*/2, &page);
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace adxm {

/// Append `values` (each < 2^bit_width, 1 <= bit_width <= 32) RLE/bit-packed to `out`, unprefixed.
void AppendRleHybrid(std::span<const uint32_t> values, int bit_width, std::string* out);

/// Append definition levels (0 or 1 each) as a data page v1 stores them: 4-byte LE length, then
/// the hybrid encoding with bit width 1.
void AppendDefinitionLevels(std::span<const uint8_t> levels, std::string* out);

/// Return the most bytes AppendDefinitionLevels writes for `cells` levels, whatever their values:
/// the 4-byte length, then per 8 cells (a literal group, or part of a run of 8 or more) at most 2
/// bytes, and 3 for the header and value of a run, bounded here by 3 bytes per 8 cells.
constexpr size_t MaxDefinitionLevelsBytes(size_t cells) { return 4 + 3 * (cells / 8 + 1); }

/// Return the bit width that holds every value below `count` (at least 1).
int BitWidthFor(uint64_t count);

}  // namespace adxm

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

#include <cstdint>
#include <span>
#include <string>

namespace adxm {

/// Append `values` (each < 2^bit_width, 1 <= bit_width <= 32) RLE/bit-packed to `out`, unprefixed.
void AppendRleHybrid(std::span<const uint32_t> values, int bit_width, std::string* out);

/// Append definition levels (0 or 1 each) as a data page v1 stores them: 4-byte LE length, then
/// the hybrid encoding with bit width 1.
void AppendDefinitionLevels(std::span<const uint8_t> levels, std::string* out);

/// Return the bit width that holds every value below `count` (at least 1).
int BitWidthFor(uint64_t count);

}  // namespace adxm

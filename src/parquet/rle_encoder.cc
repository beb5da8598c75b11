#include "parquet/rle_encoder.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace adxm {
namespace {

constexpr size_t kGroup = 8;  // Bit-packed runs hold multiples of 8 values.

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

template <typename T>
size_t RunLength(std::span<const T> values, size_t start) {
  size_t end = start + 1;
  while (end < values.size() && values[end] == values[start]) ++end;
  return end - start;
}

template <typename T>
bool StartsRun(std::span<const T> values, size_t start) {
  if (start + kGroup > values.size()) return false;
  for (size_t offset = 1; offset < kGroup; ++offset) {
    if (values[start + offset] != values[start]) return false;
  }
  return true;
}

template <typename T>
void AppendRleRun(T value, size_t count, int bit_width, std::string* out) {
  AppendVarint(static_cast<uint64_t>(count) << 1, out);
  auto wide = static_cast<uint32_t>(value);
  for (int byte = 0; byte < (bit_width + 7) / 8; ++byte) out->push_back(static_cast<char>(wide >> (8 * byte)));
}

// Pack `values` LSB-first, `bit_width` bits each, zero-padded to a multiple of 8 values.
template <typename T>
void AppendBitPackedRun(std::span<const T> values, int bit_width, std::string* out) {
  size_t groups = (values.size() + kGroup - 1) / kGroup;
  AppendVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  size_t old_size = out->size();
  out->resize(old_size + groups * bit_width);
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + old_size);
  uint64_t bits = 0;
  int pending = 0;
  for (size_t index = 0; index < groups * kGroup; ++index) {
    uint64_t value = index < values.size() ? static_cast<uint64_t>(values[index]) : 0;
    bits |= value << pending;
    pending += bit_width;
    while (pending >= 8) {
      *dst++ = static_cast<uint8_t>(bits);
      bits >>= 8;
      pending -= 8;
    }
  }
}

template <typename T>
void AppendHybrid(std::span<const T> values, int bit_width, std::string* out) {
  size_t position = 0;
  while (position < values.size()) {
    size_t run = RunLength(values, position);
    if (run >= kGroup) {
      AppendRleRun(values[position], run, bit_width, out);
      position += run;
      continue;
    }
    // Literal groups until a group that starts a run of 8 equal values.
    size_t end = position + kGroup;
    while (end < values.size() && !StartsRun(values, end)) end += kGroup;
    end = std::min(end, values.size());
    AppendBitPackedRun(values.subspan(position, end - position), bit_width, out);
    position = end;
  }
}

}  // namespace

void AppendRleHybrid(std::span<const uint32_t> values, int bit_width, std::string* out) {
  AppendHybrid(values, bit_width, out);
}

void AppendDefinitionLevels(std::span<const uint8_t> levels, std::string* out) {
  size_t length_at = out->size();
  out->append(4, '\0');
  AppendHybrid(levels, 1, out);
  auto length = static_cast<uint32_t>(out->size() - length_at - 4);
  for (int byte = 0; byte < 4; ++byte) (*out)[length_at + byte] = static_cast<char>(length >> (8 * byte));
}

int BitWidthFor(uint64_t count) {
  return count <= 2 ? 1 : static_cast<int>(std::bit_width(count - 1));
}

}  // namespace adxm

#include "parquet/string_dictionary.h"

#include <cstring>

namespace adxm {
namespace {

constexpr size_t kInitialSlots = 1024;
constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kTailMultiplier = 0xBF58476D1CE4E5B9ull;

// Multiply to 128 bits and fold: every input bit reaches every output bit.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  __uint128_t product = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

}  // namespace

uint64_t HashBytes(std::string_view value) {
  const char* data = value.data();
  size_t size = value.size();
  uint64_t hash = kMultiplier ^ size;
  for (; size >= 8; data += 8, size -= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    hash = Fold(hash ^ word, kMultiplier);
  }
  if (size > 0) {
    uint64_t word = 0;
    std::memcpy(&word, data, size);
    hash = Fold(hash ^ word, kTailMultiplier);
  }
  return Fold(hash, kMultiplier);
}

void StringDictionary::Clear() {
  plain_.clear();
  entries_.clear();
  slots_.assign(kInitialSlots, 0);
}

uint32_t StringDictionary::Insert(std::string_view value) {
  uint64_t hash = HashBytes(value);
  size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    uint32_t occupant = slots_[slot];
    if (occupant == 0) return Add(value, hash, slot);
    const Entry& entry = entries_[occupant - 1];
    if (entry.hash == hash && entry.length == value.size() &&
        std::memcmp(plain_.data() + entry.offset, value.data(), value.size()) == 0) {
      return occupant - 1;
    }
  }
}

uint32_t StringDictionary::Add(std::string_view value, uint64_t hash, size_t slot) {
  auto length = static_cast<uint32_t>(value.size());
  char prefix[4] = {static_cast<char>(length), static_cast<char>(length >> 8), static_cast<char>(length >> 16),
                    static_cast<char>(length >> 24)};
  plain_.append(prefix, 4);
  entries_.push_back(Entry{hash, static_cast<uint32_t>(plain_.size()), length});
  plain_.append(value);
  auto index = static_cast<uint32_t>(entries_.size() - 1);
  slots_[slot] = index + 1;
  // Invariant: at most half the slots are used, so probes stay short and always end.
  if (entries_.size() * 2 > slots_.size()) Grow();
  return index;
}

void StringDictionary::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  size_t mask = slots_.size() - 1;
  for (uint32_t index = 0; index < entries_.size(); ++index) {
    size_t slot = entries_[index].hash & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = index + 1;
  }
}

}  // namespace adxm

// StringDictionary: the distinct values of one column chunk, in first-seen order, with an
// open-addressing hash table of their indices. Entries are stored PLAIN-encoded (4-byte LE length,
// then the bytes), so the stored bytes are the dictionary page's body as they are.
//
// Thread-safety: none.
// Example:
//   StringDictionary dictionary;
//   uint32_t index = dictionary.Insert("GetObject");  // 0; the same value again returns 0.
//   Compress(dictionary.plain());
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace adxm {

/// Return whether `a` and `b` hold the same bytes; cheap when the first or last 8 bytes differ.
inline bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.data() == b.data()) return true;  // A row sharing the previous row's bytes (RowBatch).
  if (a.size() < 8) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  uint64_t head_a, head_b, tail_a, tail_b;
  std::memcpy(&head_a, a.data(), 8);
  std::memcpy(&head_b, b.data(), 8);
  std::memcpy(&tail_a, a.data() + a.size() - 8, 8);
  std::memcpy(&tail_b, b.data() + b.size() - 8, 8);
  if (head_a != head_b || tail_a != tail_b) return false;
  return a.size() <= 16 || std::memcmp(a.data() + 8, b.data() + 8, a.size() - 16) == 0;
}

/// Multiply to 128 bits and fold the halves: every input bit reaches every output bit.
inline uint64_t FoldMultiply(uint64_t a, uint64_t b) {
  __uint128_t product = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

/// Hash `value` 16 bytes per multiply (wyhash's scheme; not stable across versions, in-memory only).
inline uint64_t HashBytes(std::string_view value) {
  constexpr uint64_t kSecret0 = 0xA0761D6478BD642Full, kSecret1 = 0xE7037ED1A0B428DBull;
  const char* data = value.data();
  size_t size = value.size();
  auto load64 = [](const char* at) { uint64_t word; std::memcpy(&word, at, 8); return word; };
  auto load32 = [](const char* at) { uint32_t word; std::memcpy(&word, at, 4); return uint64_t{word}; };
  uint64_t seed = kSecret0 ^ size;
  for (; size > 16; data += 16, size -= 16) seed = FoldMultiply(load64(data) ^ kSecret1, load64(data + 8) ^ seed);
  uint64_t a = 0, b = 0;
  if (size >= 8) {
    a = load64(data);
    b = load64(data + size - 8);
  } else if (size >= 4) {
    a = load32(data);
    b = load32(data + size - 4);
  } else if (size > 0) {
    auto byte = [&](size_t at) { return uint64_t{static_cast<uint8_t>(data[at])}; };
    a = (byte(0) << 16) | (byte(size >> 1) << 8) | byte(size - 1);
  }
  return FoldMultiply(kSecret1 ^ value.size(), FoldMultiply(a ^ kSecret1, b ^ seed));
}

class StringDictionary {
 public:
  StringDictionary() { Clear(); }

  /// Return the index of `value`, adding it if it is new.
  uint32_t Insert(std::string_view value) {
    uint64_t hash = HashBytes(value);
    size_t mask = slots_.size() - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      uint32_t occupant = slots_[slot];
      if (occupant == 0) return Add(value, hash, slot);
      const Entry& entry = entries_[occupant - 1];
      if (entry.hash == hash && SameBytes(std::string_view(plain_.data() + entry.offset, entry.length), value)) {
        return occupant - 1;
      }
    }
  }

  /// Entries so far.
  size_t size() const { return entries_.size(); }
  /// Entry `index`; valid until the next Insert or Clear.
  std::string_view entry(uint32_t index) const {
    return std::string_view(plain_.data() + entries_[index].offset, entries_[index].length);
  }
  /// Every entry PLAIN-encoded, in index order.
  std::string_view plain() const { return plain_; }

  /// Forget every entry, keeping capacity.
  void Clear();

 private:
  struct Entry {
    uint64_t hash;
    uint32_t offset;  // Of the value bytes in plain_ (past the length prefix).
    uint32_t length;
  };

  uint32_t Add(std::string_view value, uint64_t hash, size_t slot);
  void Grow();

  std::string plain_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // Entry index + 1; 0 is an empty slot. Size: a power of two.
};

}  // namespace adxm

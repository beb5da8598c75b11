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
#include <string>
#include <string_view>
#include <vector>

namespace adxm {

class StringDictionary {
 public:
  StringDictionary() { Clear(); }

  /// Return the index of `value`, adding it if it is new.
  uint32_t Insert(std::string_view value);

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

/// Hash `value` 8 bytes at a time (not stable across versions; for in-memory tables only).
uint64_t HashBytes(std::string_view value);

}  // namespace adxm

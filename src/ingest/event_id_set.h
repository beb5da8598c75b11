// EventIdSet: the eventIDs already in (or about to enter) one day of the dataset.
//
// CloudTrail eventIDs are UUIDs; those are stored as 16 bytes in open-addressing tables (exact,
// compact, no allocation per id), one of kShards chosen by the id's hash: a table that fills up
// is doubled on its own, so growing briefly holds 1/kShards of the set twice, not all of it (a
// day of 700,000 events: 1 MB more for the rehash, not 16). Anything else is kept as a string, so
// membership is always exact.
// Thread-safety: none.
// Example:
//   EventIdSet ids;
//   if (ids.Insert(event_id)) { /* first time: write the row */ }
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace adxm {

class EventIdSet {
 public:
  /// A canonical UUID as two 64-bit halves.
  struct Uuid {
    uint64_t high;
    uint64_t low;
  };
  /// An id parsed ahead of its insertion (Prepare); valid for any EventIdSet.
  struct Prepared {
    Uuid uuid{0, 0};
    bool is_uuid = false;  // Else the id is kept as a string.
  };

  /// Insert `id`; return true when it was not present.
  bool Insert(std::string_view id);

  /// Parse `id` and start fetching the slot it would take in this set into the cache, so that
  /// inserting it a few ids later does not wait on memory (a day's table is far larger than the
  /// cache). Fetching is a hint only: the result may be inserted into any set.
  Prepared Prepare(std::string_view id) const;
  /// Insert `id`, prepared as `prepared` by Prepare(id); return true when it was not present.
  bool Insert(const Prepared& prepared, std::string_view id);

  /// Number of distinct ids.
  size_t size() const {
    size_t uuids = 0;
    for (const Shard& shard : shards_) uuids += shard.count;
    return uuids + (has_nil_ ? 1 : 0) + others_.size();
  }
  /// Heap memory the set holds, in bytes (ids that are not UUIDs: estimated).
  size_t memory_bytes() const {
    // An empty unordered_set has one bucket of its own, not on the heap.
    const size_t buckets = others_.empty() ? 0 : others_.bucket_count() * sizeof(void*);
    size_t slots = 0;
    for (const Shard& shard : shards_) slots += shard.slots.capacity();
    return slots * sizeof(Uuid) + buckets + other_bytes_;
  }

  /// Tables the UUIDs are spread over.
  static constexpr int kShardBits = 4;
  static constexpr size_t kShards = size_t{1} << kShardBits;

 private:
  /// Parse the canonical lowercase 36-char form; false for anything else.
  static bool ParseUuid(std::string_view text, Uuid* uuid);
  bool InsertUuid(const Uuid& uuid);
  bool InsertOther(std::string_view id);
  // Double `shard`'s table (or make its first one).
  void Grow(size_t shard);

  // Open addressing with linear probing; the all-zero UUID marks an empty slot,
  // so the (valid) nil UUID itself is tracked by has_nil_.
  struct Shard {
    std::vector<Uuid> slots;  // Empty, or a power of two at most 3/4 full.
    size_t count = 0;
  };
  std::array<Shard, kShards> shards_;
  bool has_nil_ = false;
  std::unordered_set<std::string> others_;
  size_t other_bytes_ = 0;  // others_' estimated heap memory but for its buckets: nodes, long strings.
};

}  // namespace adxm

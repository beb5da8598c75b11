// EventIdSet: the eventIDs already in (or about to enter) one day of the dataset.
//
// CloudTrail eventIDs are UUIDs; those are stored as 16 bytes (exact, compact).
// Anything else is kept as a string, so membership is always exact.
// Thread-safety: none.
// Example:
//   EventIdSet ids;
//   if (ids.Insert(event_id)) { /* first time: write the row */ }
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_set>

namespace adxm {

class EventIdSet {
 public:
  /// Insert `id`; return true when it was not present.
  bool Insert(std::string_view id);

  /// Number of distinct ids.
  size_t size() const { return uuids_.size() + others_.size(); }

 private:
  struct Uuid {
    uint64_t high;
    uint64_t low;
    bool operator==(const Uuid& other) const { return high == other.high && low == other.low; }
  };
  struct UuidHash {
    size_t operator()(const Uuid& uuid) const {
      // UUID bits are already well mixed; fold with a multiplier for non-random ids.
      return static_cast<size_t>((uuid.high ^ (uuid.low * 0x9E3779B97F4A7C15ULL)) * 0xC2B2AE3D27D4EB4FULL);
    }
  };

  /// Parse the canonical 36-char lowercase/uppercase form; false for anything else.
  static bool ParseUuid(std::string_view text, Uuid* uuid);

  std::unordered_set<Uuid, UuidHash> uuids_;
  std::unordered_set<std::string> others_;
};

}  // namespace adxm

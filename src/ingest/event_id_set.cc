#include "ingest/event_id_set.h"

#include <array>

namespace adxm {
namespace {

// Nibble value of a lowercase hex digit, 0xFF for anything else. Uppercase is not canonical:
// such ids are kept as strings so their text round-trips exactly.
constexpr std::array<uint8_t, 256> kHexValue = [] {
  std::array<uint8_t, 256> table{};
  for (auto& value : table) value = 0xFF;
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<uint8_t>(c - 'a' + 10);
  return table;
}();

// Parse `count` hex digits at `text`; false if one is not a lowercase hex digit.
bool ParseHex(const char* text, int count, uint64_t* out) {
  uint64_t value = 0;
  uint8_t invalid = 0;
  for (int i = 0; i < count; ++i) {
    uint8_t nibble = kHexValue[static_cast<unsigned char>(text[i])];
    invalid |= nibble;  // Only 0xFF has bit 7 set.
    value = (value << 4) | (nibble & 0x0F);
  }
  *out = (*out << (4 * count)) | value;
  return (invalid & 0x80) == 0;
}

// Slots a shard's first table has: a set of the 16 shards' first tables holds as much as one
// table of 1,024 slots.
constexpr size_t kFirstSlots = 64;

// UUID bits are mostly random already; the multiply spreads any structured ids. The top
// kShardBits bits pick the shard, bits from 20 up the slot: they stay apart below 2^40 slots.
uint64_t HashOf(uint64_t high, uint64_t low) { return (high ^ (low * 0x9E3779B97F4A7C15ULL)) * 0xC2B2AE3D27D4EB4FULL; }
size_t ShardOf(uint64_t hash) { return static_cast<size_t>(hash >> (64 - EventIdSet::kShardBits)); }
size_t SlotOf(uint64_t hash, size_t mask) { return static_cast<size_t>(hash >> 20) & mask; }

}  // namespace

bool EventIdSet::ParseUuid(std::string_view text, Uuid* uuid) {
  // xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx: dashes at 8, 13, 18 and 23.
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return false;
  const char* p = text.data();
  uint64_t high = 0;
  uint64_t low = 0;
  bool ok = ParseHex(p, 8, &high) & ParseHex(p + 9, 4, &high) & ParseHex(p + 14, 4, &high) &
            ParseHex(p + 19, 4, &low) & ParseHex(p + 24, 12, &low);
  uuid->high = high;
  uuid->low = low;
  return ok;
}

void EventIdSet::Grow(size_t shard) {
  Shard& table = shards_[shard];
  std::vector<Uuid> old = std::move(table.slots);
  table.slots.assign(old.empty() ? kFirstSlots : old.size() * 2, Uuid{0, 0});
  // Every id of the old table is distinct and lands in this shard again: place it, no compare.
  const size_t mask = table.slots.size() - 1;
  for (const Uuid& uuid : old) {
    if (uuid.high == 0 && uuid.low == 0) continue;
    size_t slot = SlotOf(HashOf(uuid.high, uuid.low), mask);
    while (table.slots[slot].high != 0 || table.slots[slot].low != 0) slot = (slot + 1) & mask;
    table.slots[slot] = uuid;
  }
}

bool EventIdSet::InsertUuid(const Uuid& uuid) {
  if (uuid.high == 0 && uuid.low == 0) {
    bool inserted = !has_nil_;
    has_nil_ = true;
    return inserted;
  }
  const uint64_t hash = HashOf(uuid.high, uuid.low);
  const size_t shard = ShardOf(hash);
  Shard& table = shards_[shard];
  // Keep each table's load factor at most 3/4: linear probing stays short, and a day of 700,000
  // events takes 16 MB (16 tables of 2^16 slots) instead of the 32 MB a load factor of 1/2 would.
  if ((table.count + 1) * 4 > table.slots.size() * 3) Grow(shard);
  const size_t mask = table.slots.size() - 1;
  for (size_t slot = SlotOf(hash, mask);; slot = (slot + 1) & mask) {
    Uuid& entry = table.slots[slot];
    if (entry.high == uuid.high && entry.low == uuid.low) return false;
    if (entry.high == 0 && entry.low == 0) {
      entry = uuid;
      ++table.count;
      return true;
    }
  }
}

EventIdSet::Prepared EventIdSet::Prepare(std::string_view id) const {
  Prepared prepared;
  prepared.is_uuid = ParseUuid(id, &prepared.uuid);
  if (prepared.is_uuid) {
    const uint64_t hash = HashOf(prepared.uuid.high, prepared.uuid.low);
    const std::vector<Uuid>& slots = shards_[ShardOf(hash)].slots;
    if (!slots.empty()) __builtin_prefetch(&slots[SlotOf(hash, slots.size() - 1)], /*rw=*/1);
  }
  return prepared;
}

bool EventIdSet::Insert(const Prepared& prepared, std::string_view id) {
  if (prepared.is_uuid) return InsertUuid(prepared.uuid);
  return InsertOther(id);
}

bool EventIdSet::Insert(std::string_view id) {
  Uuid uuid;
  if (ParseUuid(id, &uuid)) return InsertUuid(uuid);
  return InsertOther(id);
}

bool EventIdSet::InsertOther(std::string_view id) {
  if (!others_.emplace(id).second) return false;
  // A node (next pointer, the string, its cached hash) and the text past the string's in-place
  // buffer; the buckets are counted by memory_bytes().
  constexpr size_t kNodeBytes = sizeof(void*) + sizeof(std::string) + sizeof(size_t);
  constexpr size_t kInPlaceChars = 15;
  other_bytes_ += kNodeBytes + (id.size() > kInPlaceChars ? id.size() + 1 : 0);
  return true;
}

}  // namespace adxm

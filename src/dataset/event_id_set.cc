#include "dataset/event_id_set.h"

namespace adxm {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // Uppercase is not canonical: kept as a string so its text round-trips exactly.
}

size_t SlotOf(uint64_t high, uint64_t low, size_t mask) {
  // UUID bits are mostly random already; the multiply spreads any structured ids.
  return static_cast<size_t>(((high ^ (low * 0x9E3779B97F4A7C15ULL)) * 0xC2B2AE3D27D4EB4FULL) >> 20) & mask;
}

}  // namespace

bool EventIdSet::ParseUuid(std::string_view text, Uuid* uuid) {
  if (text.size() != 36) return false;
  uint64_t parts[2] = {0, 0};
  int nibbles = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      continue;
    }
    int value = HexValue(text[i]);
    if (value < 0) return false;
    uint64_t& part = parts[nibbles / 16];
    part = (part << 4) | static_cast<uint64_t>(value);
    ++nibbles;
  }
  uuid->high = parts[0];
  uuid->low = parts[1];
  return true;
}

void EventIdSet::Grow() {
  std::vector<Uuid> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Uuid{0, 0});
  uuid_count_ = 0;
  for (const Uuid& uuid : old) {
    if (uuid.high != 0 || uuid.low != 0) InsertUuid(uuid);
  }
}

bool EventIdSet::InsertUuid(const Uuid& uuid) {
  if (uuid.high == 0 && uuid.low == 0) {
    bool inserted = !has_nil_;
    has_nil_ = true;
    return inserted;
  }
  // Keep the load factor at most 3/4: linear probing stays short, and a day of a million
  // events takes 16 MB (2^20 slots) instead of 32.
  if ((uuid_count_ + 1) * 4 > slots_.size() * 3) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t slot = SlotOf(uuid.high, uuid.low, mask);; slot = (slot + 1) & mask) {
    Uuid& entry = slots_[slot];
    if (entry.high == uuid.high && entry.low == uuid.low) return false;
    if (entry.high == 0 && entry.low == 0) {
      entry = uuid;
      ++uuid_count_;
      return true;
    }
  }
}

bool EventIdSet::Insert(std::string_view id) {
  Uuid uuid;
  if (ParseUuid(id, &uuid)) return InsertUuid(uuid);
  return others_.emplace(id).second;
}

}  // namespace adxm

#include "dataset/event_id_set.h"

namespace adxm {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // Uppercase is not canonical: kept as a string so its text round-trips exactly.
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

bool EventIdSet::Insert(std::string_view id) {
  Uuid uuid;
  if (ParseUuid(id, &uuid)) return uuids_.insert(uuid).second;
  return others_.emplace(id).second;
}

}  // namespace adxm

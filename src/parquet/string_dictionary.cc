#include "parquet/string_dictionary.h"

#include <cstring>

namespace adxm {
namespace {

constexpr size_t kInitialSlots = 1024;
}  // namespace

void StringDictionary::Clear() {
  plain_.clear();
  entries_.clear();
  slots_.assign(kInitialSlots, 0);
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

#include "ingest/day_index.h"

#include <algorithm>
#include <array>

#include "base/civil_time.h"

namespace adxm {

Result<DayIndex::Day*> DayIndex::Get(int64_t day) {
  Day& state = days_[day];
  state.last_use = ++use_clock_;
  if (state.loaded) return &state;
  ADXM_RETURN_IF_ERROR(loader_(day, state.evicted, &state.ids));
  if (state.evicted) ++reloads_;
  state.loaded = true;
  ++loaded_days_;
  EvictIdle(day);
  return &state;
}

void DayIndex::Drop(Day* state) {
  state->ids = EventIdSet();
  state->loaded = false;
  state->evicted = true;
  --loaded_days_;
}

void DayIndex::DropIdle() {
  for (auto& [day, state] : days_) {
    if (state.loaded && state.rows.empty()) Drop(&state);
  }
}

void DayIndex::EvictIdle(int64_t keep) {
  if (loaded_days_ <= max_loaded_days_) return;
  size_t loaded_bytes = 0;
  for (const auto& [day, state] : days_) {
    if (state.loaded) loaded_bytes += state.ids.memory_bytes();
  }
  // Least recently used first; a day with buffered rows stays (its ids are not on disk yet).
  while (loaded_days_ > max_loaded_days_ && loaded_bytes > max_loaded_bytes_) {
    Day* victim = nullptr;
    for (auto& [day, state] : days_) {
      if (day == keep || !state.loaded || !state.rows.empty()) continue;
      if (victim == nullptr || state.last_use < victim->last_use) victim = &state;
    }
    if (victim == nullptr) return;
    loaded_bytes -= victim->ids.memory_bytes();
    Drop(victim);
  }
}

Result<DayIndex::Counts> DayIndex::Route(const RowBatch& rows) {
  Counts counts;
  Day* day = nullptr;
  int64_t current_day = INT64_MIN;
  // Each insert is a cache miss in a table of megabytes: ids are parsed and their slots asked
  // for a few rows ahead (in the current row's day, nearly always theirs) so the misses overlap.
  constexpr size_t kAhead = 8;
  const size_t count = rows.num_rows();
  std::array<EventIdSet::Prepared, kAhead> ahead;
  for (size_t row = 0; row < count; ++row) {
    int64_t row_day = DayOfMicros(rows.GetInt(kEventTime, row));
    if (row_day != current_day) {
      ADXM_ASSIGN_OR_RETURN(day, Get(row_day));
      current_day = row_day;
      touched_days_.insert(row_day);
    }
    if (row == 0) {
      for (size_t next = 0; next < std::min(count, kAhead); ++next) {
        ahead[next] = day->ids.Prepare(rows.GetString(kEventId, next));
      }
    }
    EventIdSet::Prepared prepared = ahead[row % kAhead];
    if (row + kAhead < count) ahead[row % kAhead] = day->ids.Prepare(rows.GetString(kEventId, row + kAhead));
    if (!day->ids.Insert(prepared, rows.GetString(kEventId, row))) {
      ++counts.duplicates;
      continue;
    }
    day->rows.push_back(RowRef{&rows, static_cast<uint32_t>(row)});
    ++counts.kept;
  }
  return counts;
}

std::vector<std::pair<int64_t, std::vector<RowRef>>> DayIndex::TakeRows() {
  std::vector<std::pair<int64_t, std::vector<RowRef>>> taken;
  for (auto& [day, state] : days_) {
    if (!state.rows.empty()) taken.emplace_back(day, std::move(state.rows));
    state.rows = {};
  }
  // The sets grew since their days were loaded; with no rows buffered, every day may go.
  EvictIdle(kNoDay);
  return taken;
}

}  // namespace adxm

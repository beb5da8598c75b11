// DayIndex: routes extracted rows to their day (from eventTime) and drops eventIDs the day already
// holds. A day's eventID set is loaded (by the injected loader) the first time a row comes for
// it. Sets stay in memory while at most `max_loaded_days` are loaded or while all loaded sets take
// at most `max_loaded_bytes` (checked when a day is loaded and when rows are taken): past both,
// the least recently used day without buffered rows is dropped, and reloaded if it comes back. So
// a few busy days (16 MB up to ~786,000 events a day) or many quiet ones stay; a late file for a
// recent day finds it still loaded. Kept rows are buffered as RowRefs (no copy) until TakeRows()
// hands them to a commit.
//
// Thread-safety: one thread (the ingest thread).
// Example:
//   DayIndex days(/*max_loaded_days=*/4, /*max_loaded_bytes=*/16 << 20, loader);
//   ADXM_ASSIGN_OR_RETURN(RouteCounts counts, days.Route(batch));
//   for (auto& [day, rows] : days.TakeRows()) ...
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include "base/status.h"
#include "ingest/event_id_set.h"
#include "schema/row_batch.h"

namespace adxm {

class DayIndex {
 public:
  /// Fill `ids` with the eventIDs the dataset holds for `day`; `reload` when it was dropped before.
  using Loader = std::function<Status(int64_t day, bool reload, EventIdSet* ids)>;

  DayIndex(size_t max_loaded_days, size_t max_loaded_bytes, Loader loader)
      : max_loaded_days_(max_loaded_days), max_loaded_bytes_(max_loaded_bytes), loader_(std::move(loader)) {}

  /// Rows kept and dropped as duplicates by one Route call.
  struct Counts {
    uint64_t kept = 0;
    uint64_t duplicates = 0;
  };

  /// Route every row of `rows` (which must outlive the rows' commit) to its day.
  Result<Counts> Route(const RowBatch& rows);

  /// Move out the buffered rows, by day; then drop days over the limits.
  std::vector<std::pair<int64_t, std::vector<RowRef>>> TakeRows();

  /// Drop the eventID sets of every day without buffered rows (all of them once the rows are
  /// taken and committed), to free their memory; a day that gets rows again is reloaded.
  void DropIdle();

  /// Days that received rows in this run.
  const std::set<int64_t>& touched_days() const { return touched_days_; }
  /// eventID sets reloaded after being dropped.
  uint64_t reloads() const { return reloads_; }
  /// Days whose eventID sets are in memory.
  size_t loaded_days() const { return loaded_days_; }

 private:
  struct Day {
    bool loaded = false;
    bool evicted = false;      // Its ids were dropped to save memory; reload from the live files.
    uint64_t last_use = 0;     // use_clock_ when a row last came for this day.
    EventIdSet ids;            // eventIDs committed or buffered for this day (when loaded).
    std::vector<RowRef> rows;  // Buffered rows not yet committed.
  };
  static constexpr int64_t kNoDay = INT64_MIN;  // No day has this number.

  Result<Day*> Get(int64_t day);
  // Drop least recently used days without buffered rows, but `keep`, while over both limits.
  void EvictIdle(int64_t keep);
  // Drop a loaded day's set (to be reloaded if rows come for it).
  void Drop(Day* state);

  const size_t max_loaded_days_;
  const size_t max_loaded_bytes_;
  Loader loader_;
  std::map<int64_t, Day> days_;
  std::set<int64_t> touched_days_;
  size_t loaded_days_ = 0;
  uint64_t use_clock_ = 0;
  uint64_t reloads_ = 0;
};

}  // namespace adxm

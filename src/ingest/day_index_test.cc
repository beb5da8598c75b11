#include "ingest/day_index.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace adxm {
namespace {

constexpr int64_t kDayMicros = int64_t{86400} * 1000000;

// A batch of rows (day index, eventID number) in order; ids become UUIDs, or plain strings when
// `uuid` is false.
RowBatch Rows(const std::vector<std::pair<int, int>>& rows, bool uuid = true) {
  RowBatch batch;
  for (const auto& [day, id] : rows) {
    batch.AddRow();
    char text[40];
    std::snprintf(text, sizeof(text), uuid ? "%08x-0000-4000-8000-000000000000" : "id-%d", id);
    batch.SetString(kEventId, text);
    batch.SetInt(kEventTime, (19478 + day) * kDayMicros + 3600000000);  // 2023-05-01 + day, 01:00.
  }
  return batch;
}

// The eventIDs routed to each day, as the ids' numbers, from `index.TakeRows()`.
std::vector<std::pair<int64_t, std::set<std::string>>> Taken(DayIndex* index) {
  std::vector<std::pair<int64_t, std::set<std::string>>> out;
  for (const auto& [day, refs] : index->TakeRows()) {
    std::set<std::string> ids;
    for (const RowRef& ref : refs) ids.emplace(ref.batch->GetString(kEventId, ref.row));
    out.emplace_back(day, std::move(ids));
  }
  return out;
}

DayIndex EmptyHistory() {
  return DayIndex(4, 16 << 20, [](int64_t, bool, EventIdSet*) { return Status::OK(); });
}

// Batches shorter and longer than the look-ahead of prepared ids, days switching within a batch,
// duplicates within a batch, across batches and across days (the same id on two days is two events).
TEST(DayIndexTest, RoutesEveryRowOnceWhateverTheBatchLength) {
  for (bool uuid : {true, false}) {
    DayIndex index = EmptyHistory();
    RowBatch small = Rows({{0, 1}, {0, 2}, {0, 1}}, uuid);
    auto counts = index.Route(small);
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->kept, 2u);
    EXPECT_EQ(counts->duplicates, 1u);
    std::vector<std::pair<int, int>> spec;
    for (int row = 0; row < 20; ++row) spec.emplace_back(row / 7, 100 + row % 9);  // Days 0, 1, 2.
    spec.emplace_back(0, 2);  // Already routed in the first batch.
    spec.emplace_back(2, 1);  // Id 1 again, but on another day.
    RowBatch large = Rows(spec, uuid);
    counts = index.Route(large);
    ASSERT_TRUE(counts.ok());
    // Day 0: ids 100..106 (7 new); day 1: rows 7..13 -> ids 107,108,100..104 (7 new); day 2: rows
    // 14..19 -> ids 105..108,100,101 (6 new), then id 1 (new on day 2); id 2 on day 0 is a duplicate.
    EXPECT_EQ(counts->kept, 21u);
    EXPECT_EQ(counts->duplicates, 1u);
    auto taken = Taken(&index);
    ASSERT_EQ(taken.size(), 3u);
    EXPECT_EQ(taken[0].second.size(), 2u + 7u);
    EXPECT_EQ(taken[1].second.size(), 7u);
    EXPECT_EQ(taken[2].second.size(), 7u);
  }
}

// Days 0..9 routed in turn, 100 ids each, their rows taken (as a commit would) before the next:
// how many stay loaded follows the byte budget, never below max_loaded_days, and a day that was
// dropped is loaded again (reload) when rows come back for it.
TEST(DayIndexTest, KeepsDaysWhileTheirSetsFitTheBudgetAndAtLeastMaxLoadedDays) {
  // What one day's set of 100 ids takes; a day is loaded empty (no history).
  EventIdSet one_day;
  for (int id = 0; id < 100; ++id) {
    RowBatch row = Rows({{0, id}});
    one_day.Insert(row.GetString(kEventId, 0));
  }
  const size_t day_set_bytes = one_day.memory_bytes();
  ASSERT_GT(day_set_bytes, 100u * 16u);
  struct Case {
    size_t max_loaded_bytes;
    size_t loaded_after;  // Days loaded after day 9's rows were taken.
  };
  // 0 bytes: max_loaded_days (4) alone. 5 days' sets: 5. 16 MB: all ten.
  for (Case c : {Case{0, 4}, Case{5 * day_set_bytes, 5}, Case{16 << 20, 10}}) {
    std::vector<std::pair<int64_t, bool>> loads;
    DayIndex index(4, c.max_loaded_bytes, [&](int64_t day, bool reload, EventIdSet*) {
      loads.emplace_back(day, reload);
      return Status::OK();
    });
    for (int day = 0; day < 10; ++day) {
      std::vector<std::pair<int, int>> spec;
      for (int id = 0; id < 100; ++id) spec.emplace_back(day, day * 1000 + id);
      RowBatch rows = Rows(spec);
      ASSERT_TRUE(index.Route(rows).ok());
      index.TakeRows();
    }
    const std::string label = "budget " + std::to_string(c.max_loaded_bytes);
    EXPECT_EQ(index.loaded_days(), c.loaded_after) << label;
    EXPECT_EQ(loads.size(), 10u) << label;
    for (const auto& [day, reload] : loads) EXPECT_FALSE(reload) << label << ", day " << day;
    // The oldest day still loaded, then day 0: dropped unless all ten stayed.
    const int oldest_loaded = static_cast<int>(10 - c.loaded_after);
    RowBatch again = Rows({{oldest_loaded, 999999}, {0, 999998}});
    ASSERT_TRUE(index.Route(again).ok());
    const bool day0_dropped = c.loaded_after < 10;
    EXPECT_EQ(index.reloads(), day0_dropped ? 1u : 0u) << label;
    ASSERT_EQ(loads.size(), day0_dropped ? 11u : 10u) << label;
    if (day0_dropped) EXPECT_EQ(loads.back(), std::make_pair(int64_t{19478}, true)) << label;
    // Dropping the idle days keeps those with buffered rows (the two just routed) loaded.
    index.DropIdle();
    EXPECT_EQ(index.loaded_days(), oldest_loaded == 0 ? 1u : 2u) << label;
    RowBatch later = Rows({{0, 999998}, {9, 9000}});  // A duplicate on day 0; day 9 reloads.
    auto counts = index.Route(later);
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->duplicates, 1u) << label;
    EXPECT_EQ(loads.back(), std::make_pair(int64_t{19478 + 9}, true)) << label;
  }
}

}  // namespace
}  // namespace adxm

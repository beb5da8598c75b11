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
  return DayIndex(4, [](int64_t, bool, EventIdSet*) { return Status::OK(); });
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

}  // namespace
}  // namespace adxm

#include "ingest/event_id_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace adxm {
namespace {

TEST(EventIdSetTest, UuidsAndOtherIdsAreExact) {
  EventIdSet ids;
  EXPECT_TRUE(ids.Insert("6e1b3c9a-4f1d-4e55-9a7b-2f0c1d2e3f40"));
  EXPECT_FALSE(ids.Insert("6e1b3c9a-4f1d-4e55-9a7b-2f0c1d2e3f40"));
  EXPECT_TRUE(ids.Insert("6e1b3c9a-4f1d-4e55-9a7b-2f0c1d2e3f41"));  // Differs in the last nibble.
  EXPECT_TRUE(ids.Insert("6E1B3C9A-4F1D-4E55-9A7B-2F0C1D2E3F40"));  // Uppercase is another string.
  EXPECT_TRUE(ids.Insert("not-a-uuid"));
  EXPECT_FALSE(ids.Insert("not-a-uuid"));
  EXPECT_TRUE(ids.Insert(""));
  EXPECT_EQ(ids.size(), 5u);
}

TEST(EventIdSetTest, NilUuidAndManyIdsThroughGrowth) {
  EventIdSet ids;
  EXPECT_TRUE(ids.Insert("00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(ids.Insert("00000000-0000-0000-0000-000000000000"));
  char text[40];
  for (int i = 0; i < 50000; ++i) {
    std::snprintf(text, sizeof(text), "%08x-0000-4000-8000-%012x", i * 7919, i);
    ASSERT_TRUE(ids.Insert(text)) << text;
  }
  for (int i = 0; i < 50000; i += 97) {
    std::snprintf(text, sizeof(text), "%08x-0000-4000-8000-%012x", i * 7919, i);
    ASSERT_FALSE(ids.Insert(text)) << text;
  }
  EXPECT_EQ(ids.size(), 50001u);
}

// What DayIndex's memory budget counts: 16 bytes a slot for UUIDs (at most 3/4 full), and at
// least the text of every other id.
TEST(EventIdSetTest, MemoryBytesFollowsTheIdsHeld) {
  EventIdSet ids;
  EXPECT_EQ(ids.memory_bytes(), 0u);
  char text[64];
  for (int i = 0; i < 10000; ++i) {
    std::snprintf(text, sizeof(text), "%08x-0000-4000-8000-%012x", i * 7919, i);
    ASSERT_TRUE(ids.Insert(text));
  }
  // 10,000 ids in 16 shards, ~625 each, at most 3/4 full: 1,024 slots each (16,384 in all).
  EXPECT_EQ(ids.memory_bytes(), 16384u * 16u);
  const size_t uuids_only = ids.memory_bytes();
  for (int i = 0; i < 1000; ++i) {
    std::snprintf(text, sizeof(text), "a-longer-event-id-that-is-not-a-uuid-%06d", i);  // 43 chars.
    ASSERT_TRUE(ids.Insert(text));
  }
  EXPECT_GE(ids.memory_bytes(), uuids_only + 1000u * 43u);
  EXPECT_LE(ids.memory_bytes(), uuids_only + 1000u * 256u);
}

// Growing doubles one shard's table at a time, so that no insert more than briefly holds a large
// part of the set twice: the memory one insert adds stays a small part of the whole. (A single
// table doubles all of it: a step as large as everything held before.)
TEST(EventIdSetTest, GrowingDoublesOneShardAtATime) {
  EventIdSet ids;
  char text[40];
  size_t largest_step = 0;
  size_t steps = 0;
  for (int i = 0; i < 200000; ++i) {
    std::snprintf(text, sizeof(text), "%08x-1111-4000-8000-%012x", static_cast<unsigned>(i) * 104729u, i);
    const size_t before = ids.memory_bytes();
    ASSERT_TRUE(ids.Insert(text)) << text;
    if (ids.memory_bytes() != before) {
      ++steps;
      if (before > 0) largest_step = std::max(largest_step, ids.memory_bytes() - before);
    }
  }
  // 200,000 ids at most 3/4 full take at least 266,667 slots of 16 bytes.
  EXPECT_GE(ids.memory_bytes(), 266667u * 16u);
  // A shard holds about 1/16 of the ids; one twice the average would still add only 1/8.
  EXPECT_LE(largest_step, ids.memory_bytes() / 8) << "largest step " << largest_step << " of " << ids.memory_bytes();
  EXPECT_GE(steps, 16u * 8u);  // Every shard grew several times, each on its own.
  for (int i = 0; i < 200000; i += 101) {
    std::snprintf(text, sizeof(text), "%08x-1111-4000-8000-%012x", static_cast<unsigned>(i) * 104729u, i);
    ASSERT_FALSE(ids.Insert(text)) << text;
  }
  EXPECT_EQ(ids.size(), 200000u);
}

TEST(EventIdSetTest, PreparedIdsInsertIntoAnySet) {
  EventIdSet empty;
  EventIdSet ids;
  const std::string uuid = "6e1b3c9a-4f1d-4e55-9a7b-2f0c1d2e3f40";
  // Prepared by a set with an empty table (nothing to fetch), inserted into another.
  EventIdSet::Prepared prepared = empty.Prepare(uuid);
  EventIdSet::Prepared other = empty.Prepare("not-a-uuid");
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(ids.Insert(prepared, uuid));
  EXPECT_TRUE(ids.Insert(other, "not-a-uuid"));
  EXPECT_FALSE(ids.Insert(ids.Prepare(uuid), uuid));
  EXPECT_FALSE(ids.Insert("not-a-uuid"));
  EXPECT_TRUE(ids.Insert(ids.Prepare("6e1b3c9a-4f1d-4e55-9a7b-2f0c1d2e3f41"), "6e1b3c9a-4f1d-4e55-9a7b-2f0c1d2e3f41"));
  EXPECT_EQ(ids.size(), 3u);
}

TEST(EventIdSetTest, EveryCharacterOfAUuidCounts) {
  const std::string base = "6e1b3c9a-4f1d-4e55-9a7b-2f0c1d2e3f40";
  EventIdSet ids;
  ASSERT_TRUE(ids.Insert(base));
  size_t expected = 1;
  for (size_t i = 0; i < base.size(); ++i) {
    std::string changed = base;
    if (base[i] == '-') {
      changed[i] = '0';  // A UUID without that dash is not canonical: kept as its own string.
      EXPECT_TRUE(ids.Insert(changed)) << changed;
      ++expected;
      continue;
    }
    for (char replacement : {'f', 'g', 'G', 'F', '/', ':', '`', '\xff'}) {
      if (replacement == base[i]) continue;
      changed[i] = replacement;
      EXPECT_TRUE(ids.Insert(changed)) << changed;  // Each nibble position is distinct; non-hex too.
      EXPECT_FALSE(ids.Insert(changed)) << changed;
      ++expected;
    }
  }
  EXPECT_FALSE(ids.Insert(base));
  EXPECT_EQ(ids.size(), expected);
}

}  // namespace
}  // namespace adxm

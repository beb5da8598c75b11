#include "base/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace adxm {
namespace {

TEST(ParallelForTest, CallsEveryIndexOnce) {
  for (size_t count : {0, 1, 2, 7, 100}) {
    std::vector<std::atomic<int>> calls(count);
    ASSERT_TRUE(ParallelFor(count, 8, [&](size_t index) {
                  ++calls[index];
                  return Status::OK();
                }).ok());
    for (size_t index = 0; index < count; ++index) EXPECT_EQ(calls[index].load(), 1) << index << " of " << count;
  }
}

TEST(ParallelForTest, ReturnsTheFirstFailureByIndexAfterAllCalls) {
  std::atomic<int> calls{0};
  Status status = ParallelFor(50, 4, [&](size_t index) {
    ++calls;
    if (index == 30 || index == 12) return Status::IoError("call " + std::to_string(index));
    return Status::OK();
  });
  EXPECT_EQ(calls.load(), 50);
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(status.message(), "call 12");
}

TEST(ParallelForTest, RunsCallsAtOnce) {
  // Four calls that each wait for all four to have started finish only if they run together.
  std::atomic<int> started{0};
  ASSERT_TRUE(ParallelFor(4, 4, [&](size_t) {
                ++started;
                while (started.load() < 4) std::this_thread::yield();
                return Status::OK();
              }).ok());
  EXPECT_EQ(started.load(), 4);
}

}  // namespace
}  // namespace adxm

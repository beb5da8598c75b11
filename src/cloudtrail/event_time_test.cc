#include "cloudtrail/event_time.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

TEST(EventTimeTest, ParsesWholeSeconds) {
  EXPECT_EQ(ParseEventTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseEventTime("1969-12-31T23:59:59Z"), -1000000);
  EXPECT_EQ(ParseEventTime("2023-05-01T12:00:00Z"), 1682942400000000);
  EXPECT_EQ(ParseEventTime("2024-02-29T23:59:59Z"), 1709251199000000);
}

TEST(EventTimeTest, KeepsFractionalSecondsToTheMicrosecond) {
  EXPECT_EQ(ParseEventTime("2023-05-01T12:00:00.123Z"), 1682942400123000);
  EXPECT_EQ(ParseEventTime("2023-05-01T12:00:00.5Z"), 1682942400500000);
  EXPECT_EQ(ParseEventTime("2023-05-01T12:00:00.123456789Z"), 1682942400123456);
}

TEST(EventTimeTest, RejectsMalformedText) {
  for (const char* text : {"", "2023-05-01", "2023-05-01T12:00:00", "2023-05-01 12:00:00Z",
                           "2023-05-01T12:00:00+00:00", "2023/05/01T12:00:00Z", "2023-05-01T12:00:0xZ",
                           "2023-05-01T12:00:00.Z", "2023-05-01T12:00:00.1234567890Z",
                           "2023-05-01T12:00:00,5Z", "yesterday"}) {
    EXPECT_EQ(ParseEventTime(text), std::nullopt) << text;
  }
}

TEST(EventTimeTest, RejectsImpossibleDatesAndTimes) {
  for (const char* text : {"2023-00-01T00:00:00Z", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                           "2023-04-31T00:00:00Z", "2023-05-00T00:00:00Z", "2023-05-01T24:00:00Z",
                           "2023-05-01T00:60:00Z", "2023-05-01T00:00:60Z"}) {
    EXPECT_EQ(ParseEventTime(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace adxm

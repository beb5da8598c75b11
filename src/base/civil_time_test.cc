#include "base/civil_time.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

// Expected values from GNU date: `date -u -d @<seconds> +%FT%TZ`.
TEST(CivilTimeTest, FormatsUnixSecondsAsIsoUtc) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1714571100), "2024-05-01T13:45:00Z");
  EXPECT_EQ(FormatIsoUtc(951782399), "2000-02-28T23:59:59Z");
  EXPECT_EQ(FormatIsoUtc(951868800), "2000-03-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(-1), "1969-12-31T23:59:59Z");
}

}  // namespace
}  // namespace adxm

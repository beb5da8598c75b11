#include <gtest/gtest.h>

#include <string>

#include "generate/json_text.h"
#include "generate/random.h"
#include "base/sha256.h"
#include "generate/time_text.h"

namespace adxm {
namespace {

TEST(Sha256Test, MatchesFipsVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(TimeTextTest, ParsesOnlyRealDates) {
  int64_t days = 0;
  ASSERT_TRUE(ParseIsoDate("2023-05-01", &days));
  EXPECT_EQ(days, 19478);
  EXPECT_TRUE(ParseIsoDate("2024-02-29", &days));
  EXPECT_FALSE(ParseIsoDate("2023-02-29", &days));
  EXPECT_FALSE(ParseIsoDate("2023-13-01", &days));
  EXPECT_FALSE(ParseIsoDate("2023-5-01", &days));
  EXPECT_FALSE(ParseIsoDate("2023/05/01", &days));
  EXPECT_FALSE(ParseIsoDate("", &days));
}

TEST(TimeTextTest, FormatsCloudTrailTimes) {
  int64_t seconds = 19478 * kSecondsPerDay + 23 * 3600 + 59 * 60 + 59;
  EXPECT_EQ(FormatIsoTime(seconds), "2023-05-01T23:59:59Z");
  EXPECT_EQ(FormatIsoDate(seconds + 1), "2023-05-02");
  EXPECT_EQ(FormatIsoTime(0), "1970-01-01T00:00:00Z");
}

TEST(JsonTextTest, EscapesQuotesBackslashesAndControls) {
  std::string out;
  AppendJsonString(&out, "a\"b\\c\n\x01é");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\u000a\\u0001é\"");
}

TEST(RngTest, SameSeedSameStreamAndUniformStaysInRange) {
  Rng first(7), second(7), other(8);
  for (int idx = 0; idx < 100; ++idx) EXPECT_EQ(first.Next(), second.Next());
  EXPECT_NE(first.Next(), other.Next());
  for (int idx = 0; idx < 1000; ++idx) {
    EXPECT_LT(first.Uniform(7), 7u);
    int64_t value = first.Between(-3, 3);
    EXPECT_GE(value, -3);
    EXPECT_LE(value, 3);
  }
  const int weights[] = {0, 5, 0};
  EXPECT_EQ(first.Pick(weights), 1u);
}

}  // namespace
}  // namespace adxm

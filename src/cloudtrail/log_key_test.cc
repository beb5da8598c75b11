#include "cloudtrail/log_key.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

TEST(LogKeyTest, TakesTheRegionFromTheCloudTrailFolder) {
  LogKeyInfo info = ClassifyLogKey(
      "AWSLogs/111122223333/CloudTrail/eu-west-1/2023/05/01/"
      "111122223333_CloudTrail_eu-west-1_20230501T0005Z_ab12cd34ef56gh78.json.gz");
  EXPECT_TRUE(info.is_log);
  EXPECT_EQ(info.region, "eu-west-1");
}

TEST(LogKeyTest, AcceptsOrganizationTrailsAndKeyPrefixes) {
  LogKeyInfo info = ClassifyLogKey(
      "trail-prefix/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2023/05/01/"
      "111122223333_CloudTrail_us-east-1_20230501T2355Z_0123456789abcdef.json.gz");
  EXPECT_TRUE(info.is_log);
  EXPECT_EQ(info.region, "us-east-1");
}

TEST(LogKeyTest, FallsBackToTheRegionInTheFileName) {
  LogKeyInfo info = ClassifyLogKey("flat/111122223333_CloudTrail_ap-southeast-2_20230501T0005Z_ab12cd34ef56gh78.json.gz");
  EXPECT_TRUE(info.is_log);
  EXPECT_EQ(info.region, "ap-southeast-2");
  EXPECT_EQ(ClassifyLogKey("111122223333_CloudTrail_us-west-2_20230501T0005Z_ab12cd34ef56gh78.json.gz").region,
            "us-west-2");
}

TEST(LogKeyTest, LeavesTheRegionEmptyWhenNothingNamesIt) {
  LogKeyInfo info = ClassifyLogKey("exports/events.json.gz");
  EXPECT_TRUE(info.is_log);
  EXPECT_EQ(info.region, "");
  EXPECT_EQ(ClassifyLogKey("x/111122223333_CloudTrail_us-west-2_2023.json.gz").region, "");
}

TEST(LogKeyTest, SkipsDigestAndInsightFolders) {
  EXPECT_FALSE(ClassifyLogKey("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2023/05/01/"
                              "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20230501T000000Z.json.gz")
                   .is_log);
  EXPECT_FALSE(ClassifyLogKey("AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2023/05/01/x.json.gz").is_log);
  EXPECT_FALSE(ClassifyLogKey("CloudTrail-Digest/x.json.gz").is_log);
}

TEST(LogKeyTest, SkipsObjectsThatAreNotGzippedJson) {
  EXPECT_FALSE(ClassifyLogKey("AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/01/x.json").is_log);
  EXPECT_FALSE(ClassifyLogKey("AWSLogs/111122223333/CloudTrail/us-east-1/2023/05/01/x.gz").is_log);
  EXPECT_FALSE(ClassifyLogKey("AWSLogs/111122223333/CloudTrail/us-east-1/").is_log);
  EXPECT_FALSE(ClassifyLogKey("").is_log);
}

TEST(LogKeyTest, DoesNotMistakeSimilarFolderNamesForDigests) {
  EXPECT_TRUE(ClassifyLogKey("my-CloudTrail-Digest-notes/CloudTrail/us-east-1/x.json.gz").is_log);
  EXPECT_EQ(ClassifyLogKey("NotCloudTrail/us-east-1/x.json.gz").region, "");
}

TEST(LogKeyTest, TakesTheDeliveryStampFromTheFileName) {
  EXPECT_EQ(ClassifyLogKey("AWSLogs/111122223333/CloudTrail/eu-west-1/2023/05/01/"
                           "111122223333_CloudTrail_eu-west-1_20230501T0005Z_ab12cd34ef56gh78.json.gz")
                .stamp,
            "20230501T0005Z");
  EXPECT_EQ(ClassifyLogKey("exports/events.json.gz").stamp, "");
  EXPECT_EQ(ClassifyLogKey("x/111122223333_CloudTrail_us-west-2_2023050XT0005Z_ab12cd34ef56gh78.json.gz").stamp, "");
  EXPECT_EQ(ClassifyLogKey("x/111122223333_CloudTrail_us-west-2_20230501-0005Z_ab12cd34ef56gh78.json.gz").stamp, "");
}

TEST(LogKeyTest, DeliveryOrderIsStampThenKey) {
  const std::string_view east_late =
      "AWSLogs/1/CloudTrail/us-east-1/2023/05/02/1_CloudTrail_us-east-1_20230502T0005Z_aaaaaaaaaaaaaaaa.json.gz";
  const std::string_view west_early =
      "AWSLogs/1/CloudTrail/us-west-2/2023/05/01/1_CloudTrail_us-west-2_20230501T2355Z_aaaaaaaaaaaaaaaa.json.gz";
  const std::string_view west_late =
      "AWSLogs/1/CloudTrail/us-west-2/2023/05/02/1_CloudTrail_us-west-2_20230502T0005Z_aaaaaaaaaaaaaaaa.json.gz";
  EXPECT_TRUE(DeliveredBefore(west_early, east_late));   // Earlier delivery first, whatever the key.
  EXPECT_FALSE(DeliveredBefore(east_late, west_early));
  EXPECT_TRUE(DeliveredBefore(east_late, west_late));    // Same stamp: key order.
  EXPECT_FALSE(DeliveredBefore(west_late, east_late));
  EXPECT_FALSE(DeliveredBefore(east_late, east_late));   // Irreflexive.
  EXPECT_TRUE(DeliveredBefore("exports/z.json.gz", west_early));  // No stamp sorts first.
}

}  // namespace
}  // namespace adxm

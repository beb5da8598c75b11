#include "base/status.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) return Status::InvalidArgument(std::to_string(value) + ": odd");
  return value / 2;
}

Result<int> Quarter(int value) {
  ADXM_ASSIGN_OR_RETURN(int half, Half(value));
  ADXM_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, OkHasNoMessage) {
  Status status = Status::OK();
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeMessageAndContext) {
  Status status = Status::Corruption("inflate failed").WithContext("a.json.gz");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.ToString(), "Corruption: a.json.gz: inflate failed");
}

TEST(StatusTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> odd = Quarter(6);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().message(), "3: odd");
}

}  // namespace
}  // namespace adxm

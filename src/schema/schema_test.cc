#include "schema/schema.h"

#include <gtest/gtest.h>

#include <set>

#include "base/file_util.h"
#include "test_util.h"

namespace adxm {
namespace {

TEST(SchemaTest, KeepsEverySampleColumnUnderItsSampleName) {
  const std::set<std::string_view> sample = {
      "eventID", "eventName", "eventTime", "provider_bucket_region", "subscriber_account_id",
      "subscriber_ip_address", "subscriber_user_agent", "provider_bucket_name", "x_amz_request_payer",
      "prefix", "bytes_accessed", "access_point_arn", "tls_version"};
  std::set<std::string_view> marked;
  for (const Column& column : kColumns) {
    if (column.from_sample) marked.insert(column.name);
  }
  EXPECT_EQ(marked, sample);
}

TEST(SchemaTest, ColumnNamesAreUniqueIgnoringCase) {
  std::set<std::string> names;
  for (const Column& column : kColumns) {
    std::string lower(column.name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(names.insert(lower).second) << column.name;
  }
}

TEST(SchemaTest, GlueDdlListsColumnsAndPartitions) {
  std::string ddl = GlueTableDdl("adx_metrics_curated", "s3://bucket/wh");
  EXPECT_NE(ddl.find("`eventTime` timestamp"), std::string::npos);
  EXPECT_NE(ddl.find("`bytes_accessed` bigint"), std::string::npos);
  EXPECT_NE(ddl.find("PARTITIONED BY (`year` string, `month` string, `day` string)"), std::string::npos);
  EXPECT_NE(ddl.find("LOCATION 's3://bucket/wh/adx_for_s3_metrics/'"), std::string::npos);
}

TEST(SchemaTest, DocsSchemaMdIsUpToDate) {
  auto committed = ReadFile(testing::SourceDir() / "docs" / "schema.md");
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, SchemaMarkdown())
      << "docs/schema.md is stale: run `build/adxmetrics schema --format markdown > docs/schema.md`";
}

}  // namespace
}  // namespace adxm

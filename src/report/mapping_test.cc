#include "report/mapping.h"

#include <gtest/gtest.h>

#include "duckdb_fixture.h"
#include "query/query_table.h"

namespace adxm {
namespace {

constexpr char kArn[] = "arn:aws:s3:us-east-1:540564263739:accesspoint/adx-abc123";

Status ParseError(MappingKind kind, std::string_view text) { return ParseMapping(kind, text, "map.csv").status(); }

TEST(MappingTest, ReadsKeysNamesAndExtraColumnsInAnyOrder) {
  auto mapping = ParseMapping(MappingKind::kSubscribers,
                              "Tier, Name ,account_id,contract_end\n"
                              "gold,Acme Corp,012345678901,2024-06-30\n"
                              ",\"Globex, Inc.\",anonymous,\n",
                              "subs.csv");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  ASSERT_EQ(mapping->entries.size(), 2u);
  EXPECT_EQ(mapping->entries[0].key, "012345678901");
  EXPECT_EQ(mapping->entries[0].value, "Acme Corp");
  EXPECT_EQ(mapping->entries[0].attributes, "Tier=gold; contract_end=2024-06-30");
  EXPECT_EQ(mapping->entries[0].line, 2);
  EXPECT_EQ(mapping->entries[1].value, "Globex, Inc.");
  EXPECT_EQ(mapping->entries[1].attributes, "");
}

TEST(MappingTest, BadFilesNameFileAndLine) {
  EXPECT_EQ(ParseError(MappingKind::kSubscribers, "account,name\n1,a\n").message(),
            "map.csv:1: header has no 'account_id' column (expected account_id,name,...)");
  EXPECT_EQ(ParseError(MappingKind::kDatasets, "access_point_arn\nx\n").message(),
            "map.csv:1: header has no 'dataset' column (expected access_point_arn,dataset,...)");
  EXPECT_EQ(ParseError(MappingKind::kSubscribers, "account_id,name\n012345678901,A\n12345,B\n").message(),
            "map.csv:3: account_id '12345' is not a 12-digit AWS account id (or 'anonymous')");
  EXPECT_EQ(ParseError(MappingKind::kSubscribers, "account_id,name\n012345678901,A\n\n012345678901,B\n").message(),
            "map.csv:4: duplicate account_id 012345678901 (first on line 2)");
  EXPECT_EQ(ParseError(MappingKind::kSubscribers, "account_id,name\n012345678901\n").message(),
            "map.csv:2: expected 2 fields as in the header, got 1");
  EXPECT_EQ(ParseError(MappingKind::kSubscribers, "account_id,name\n012345678901,\n").message(),
            "map.csv:2: empty name");
  EXPECT_EQ(ParseError(MappingKind::kSubscribers, "account_id,name\n012345678901,M\xFCller\n").message(),
            "map.csv:2: invalid UTF-8; save the file as UTF-8");
  EXPECT_EQ(ParseError(MappingKind::kSubscribers, "").message(), "map.csv:1: empty file; expected a header line");
  EXPECT_EQ(ParseError(MappingKind::kDatasets, "access_point_arn,dataset\narn:aws:s3:::bucket,x\n").message(),
            "map.csv:2: access_point_arn 'arn:aws:s3:::bucket' is not an access point ARN "
            "(arn:aws:s3:<region>:<account>:accesspoint/<name>)");
  std::string duplicate = std::string("access_point_arn,dataset\n") + kArn + ",a\n" + kArn + ",b\n";
  EXPECT_EQ(ParseError(MappingKind::kDatasets, duplicate).message(),
            std::string("map.csv:3: duplicate access_point_arn ") + kArn + " (first on line 2)");
}

TEST(MappingTest, MissingFileIsNamed) {
  auto mapping = LoadMapping(MappingKind::kDatasets, "/nonexistent/datasets.csv");
  ASSERT_FALSE(mapping.ok());
  EXPECT_NE(mapping.status().message().find("/nonexistent/datasets.csv"), std::string::npos)
      << mapping.status().message();
}

TEST(MappingTest, AccessPointArns) {
  EXPECT_TRUE(IsAccessPointArn(kArn));
  EXPECT_TRUE(IsAccessPointArn("arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/x"));
  EXPECT_FALSE(IsAccessPointArn("arn:aws:s3:us-east-1:54056426373:accesspoint/x"));
  EXPECT_FALSE(IsAccessPointArn("arn:aws:s3:us-east-1:540564263739:accesspoint/"));
  EXPECT_FALSE(IsAccessPointArn("arn:aws:s3:us-east-1:540564263739:bucket/x"));
}

class MappingInstallTest : public testing::DuckDbTest {};

TEST_F(MappingInstallTest, InstallsValuesWithoutInterpretingThem) {
  auto mapping = ParseMapping(MappingKind::kSubscribers,
                              "account_id,name\n012345678901,\"x'); DROP TABLE adxm_dataset_map; --\"\n", "s.csv");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  ASSERT_TRUE(InstallMappings(conn_.get(), &*mapping, nullptr).ok());
  auto result =
      conn_->Query("SELECT name FROM adxm_subscriber_map UNION ALL SELECT count(*)::VARCHAR FROM adxm_dataset_map");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto table = QueryTable::Read(&*result);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(*table->rows[0][0], "x'); DROP TABLE adxm_dataset_map; --");
  EXPECT_EQ(*table->rows[1][0], "0");
}

}  // namespace
}  // namespace adxm

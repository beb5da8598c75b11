#include "query/format.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

// Two columns (text, number), with NULLs, quotes, commas, a pipe, a line break and non-ASCII text.
QueryTable SampleTable() {
  QueryTable table;
  table.column_names = {"name", "bytes"};
  table.column_types = {"VARCHAR", "BIGINT"};
  table.numeric = {false, true};
  table.rows = {{"GetObject", "1200"},
                {"say \"hi\", then|go", std::nullopt},
                {std::nullopt, "-5"},
                {"ünï\ncødé", "7"}};
  return table;
}

TEST(FormatTest, ParsesFormatNames) {
  EXPECT_EQ(*ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("CSV"), OutputFormat::kCsv);
  EXPECT_EQ(*ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(*ParseOutputFormat("markdown"), OutputFormat::kMarkdown);
  EXPECT_EQ(*ParseOutputFormat("md"), OutputFormat::kMarkdown);
  auto bad = ParseOutputFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(FormatTest, TableAlignsColumnsAndCountsRows) {
  EXPECT_EQ(FormatTable(SampleTable(), OutputFormat::kTable),
            "┌───────────────────┬───────┐\n"
            "│ name              │ bytes │\n"
            "├───────────────────┼───────┤\n"
            "│ GetObject         │  1200 │\n"
            "│ say \"hi\", then|go │  NULL │\n"
            "│ NULL              │    -5 │\n"
            "│ ünï\\ncødé         │     7 │\n"
            "└───────────────────┴───────┘\n"
            "4 rows\n");
}

TEST(FormatTest, TableOfOneRowAndOfNoRows) {
  QueryTable table;
  table.column_names = {"n"};
  table.column_types = {"INTEGER"};
  table.numeric = {true};
  EXPECT_EQ(FormatTable(table, OutputFormat::kTable), "┌───┐\n│ n │\n├───┤\n└───┘\n0 rows\n");
  table.rows = {{"42"}};
  EXPECT_EQ(FormatTable(table, OutputFormat::kTable), "┌────┐\n│  n │\n├────┤\n│ 42 │\n└────┘\n1 row\n");
}

TEST(FormatTest, CsvQuotesOnlyWhenNeededAndLeavesNullEmpty) {
  QueryTable table = SampleTable();
  table.rows.push_back({"", "0"});
  EXPECT_EQ(FormatTable(table, OutputFormat::kCsv),
            "name,bytes\r\n"
            "GetObject,1200\r\n"
            "\"say \"\"hi\"\", then|go\",\r\n"
            ",-5\r\n"
            "\"ünï\ncødé\",7\r\n"
            "\"\",0\r\n");
}

TEST(FormatTest, JsonIsAnArrayOfObjectsWithTypedValues) {
  EXPECT_EQ(FormatTable(SampleTable(), OutputFormat::kJson),
            "[\n"
            "  {\"name\": \"GetObject\", \"bytes\": 1200},\n"
            "  {\"name\": \"say \\\"hi\\\", then|go\", \"bytes\": null},\n"
            "  {\"name\": null, \"bytes\": -5},\n"
            "  {\"name\": \"ünï\\ncødé\", \"bytes\": 7}\n"
            "]\n");
}

TEST(FormatTest, JsonKeepsNonFiniteNumbersAsStringsAndBooleansBare) {
  QueryTable table;
  table.column_names = {"d", "ok", "ctl"};
  table.column_types = {"DOUBLE", "BOOLEAN", "VARCHAR"};
  table.numeric = {true, false, false};
  table.rows = {{"1e+20", "true", std::string("a\x01\\b\t")}, {"nan", "false", "/"}, {"-inf", std::nullopt, ""}};
  EXPECT_EQ(FormatTable(table, OutputFormat::kJson),
            "[\n"
            "  {\"d\": 1e+20, \"ok\": true, \"ctl\": \"a\\u0001\\\\b\\t\"},\n"
            "  {\"d\": \"nan\", \"ok\": false, \"ctl\": \"/\"},\n"
            "  {\"d\": \"-inf\", \"ok\": null, \"ctl\": \"\"}\n"
            "]\n");
  table.rows.clear();
  EXPECT_EQ(FormatTable(table, OutputFormat::kJson), "[]\n");
}

TEST(FormatTest, MarkdownEscapesPipesAndAlignsNumbersRight) {
  EXPECT_EQ(FormatTable(SampleTable(), OutputFormat::kMarkdown),
            "| name | bytes |\n"
            "| --- | ---: |\n"
            "| GetObject | 1200 |\n"
            "| say \"hi\", then\\|go | NULL |\n"
            "| NULL | -5 |\n"
            "| ünï<br>cødé | 7 |\n");
}

}  // namespace
}  // namespace adxm

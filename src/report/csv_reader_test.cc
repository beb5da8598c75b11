#include "report/csv_reader.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

std::vector<std::vector<std::string>> Fields(const std::vector<CsvRecord>& records) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& record : records) out.push_back(record.fields);
  return out;
}

TEST(CsvReaderTest, ReadsQuotedFieldsAndKeepsLineNumbers) {
  auto records = ParseCsv(
      "\xEF\xBB\xBF"
      "a,b\r\n\"x, \"\"y\"\"\",z\n\n\"multi\nline\",w\nlast,",
      "f.csv");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(Fields(*records),
            (std::vector<std::vector<std::string>>{{"a", "b"}, {"x, \"y\"", "z"}, {"multi\nline", "w"}, {"last", ""}}));
  EXPECT_EQ((*records)[0].line, 1);
  EXPECT_EQ((*records)[1].line, 2);
  EXPECT_EQ((*records)[2].line, 4);  // Line 3 is blank.
  EXPECT_EQ((*records)[3].line, 6);
}

TEST(CsvReaderTest, ErrorsNameFileAndLine) {
  auto bad_utf8 = ParseCsv("a,b\nok,1\n\xC3\x28,2\n", "subs.csv");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.status().message(), "subs.csv:3: invalid UTF-8; save the file as UTF-8");
  auto latin1 = ParseCsv("a,b\nM\xFCller,1\n", "subs.csv");
  EXPECT_EQ(latin1.status().message(), "subs.csv:2: invalid UTF-8; save the file as UTF-8");
  auto nul = ParseCsv("a,b\nx\0y,1\n", "subs.csv");
  EXPECT_TRUE(nul.ok());  // A string literal stops at NUL; the real check is below.
  auto with_nul = ParseCsv(std::string("a,b\nx\0y,1\n", 10), "subs.csv");
  EXPECT_EQ(with_nul.status().message(), "subs.csv:2: NUL byte; the file must be UTF-8 text");
  auto unterminated = ParseCsv("a,b\n\"open,1\n2,3\n", "d.csv");
  EXPECT_EQ(unterminated.status().message(), "d.csv:2: unterminated quoted field");
  auto stray = ParseCsv("a,b\nx\"y,1\n", "d.csv");
  EXPECT_EQ(stray.status().message(), "d.csv:2: a quote inside an unquoted field");
}

TEST(CsvReaderTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("données-é ✓ 😀"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // Surrogate.
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // Beyond U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // Truncated.
}

}  // namespace
}  // namespace adxm

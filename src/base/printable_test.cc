#include "base/printable.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

TEST(PrintableTextTest, EscapesWhatIsNotPrintableUtf8AndKeepsTheRest) {
  EXPECT_EQ(PrintableText("AWSLogs/a.json.gz"), "AWSLogs/a.json.gz");
  EXPECT_EQ(PrintableText("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(PrintableText("caf\xe9.json.gz"), "caf\\xe9.json.gz");  // Latin-1, not UTF-8.
  EXPECT_EQ(PrintableText(std::string("a\0b\n\x1b[31m\x7f", 10)), "a\\x00b\\x0a\\x1b[31m\\x7f");
  EXPECT_EQ(PrintableText("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82"), "\\xc0\\xaf \\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80 \\xe2\\x82");
  EXPECT_EQ(PrintableText("a\\x41"), "a\\\\x41");  // An escape-like name stays distinguishable.
}

}  // namespace
}  // namespace adxm

#include "report/document.h"

#include <gtest/gtest.h>

namespace adxm {
namespace {

constexpr ReportColumn kColumns[] = {
    {"day", Unit::kDate, "UTC day"},
    {"who", Unit::kText, "Subscriber"},
    {"requests", Unit::kCount, "All requests"},
    {"bytes_out", Unit::kBytes, "Bytes"},
};

Document Sample() {
  QueryTable table;
  table.column_names = {"day", "who", "requests", "bytes_out"};
  table.column_types = {"DATE", "VARCHAR", "BIGINT", "BIGINT"};
  table.numeric = {false, false, true, true};
  table.rows = {{"2023-05-01", "<b>Acme & \"Co\"</b>", "1234567", "2500000000"},
                {"2023-05-02", std::nullopt, "7", "999"}};
  return Document{"Usage <test>",
                  "2023-05-01 to 2023-05-02",
                  {{"Daily", "Per day.", kColumns, {"day", "requests", "who", true}, table}}};
}

TEST(DocumentTest, HtmlIsSelfContainedEscapedAndFormatted) {
  std::string html = RenderHtml(Sample());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<b>Acme"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;Acme &amp; &quot;Co&quot;&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("<title>Usage &lt;test&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"n\">1,234,567</td>"), std::string::npos);
  EXPECT_NE(html.find("title=\"2,500,000,000 bytes\">2.50 GB</td>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(DocumentTest, MarkdownAndCsvSections) {
  Document document = Sample();
  document.sections.push_back(document.sections.front());
  document.sections.back().heading = "Again";
  std::string markdown = RenderMarkdown(document);
  EXPECT_EQ(markdown.rfind("# Usage <test>\n\n2023-05-01 to 2023-05-02\n\n## Daily\n\nPer day.\n\n|", 0), 0u)
      << markdown;
  EXPECT_NE(markdown.find("\n## Again\n"), std::string::npos);
  std::string csv = RenderCsvSections(document);
  EXPECT_EQ(csv.rfind("# Usage <test> · 2023-05-01 to 2023-05-02\r\n\r\n# Daily\r\nday,who,requests,bytes_out\r\n", 0),
            0u)
      << csv;
  EXPECT_NE(csv.find("\r\n\r\n# Again\r\n"), std::string::npos);
}

TEST(DocumentTest, HumanBytes) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(999), "999 B");
  EXPECT_EQ(HumanBytes(1000), "1.00 KB");
  EXPECT_EQ(HumanBytes(12345678), "12.3 MB");
  EXPECT_EQ(HumanBytes(987654321098), "988 GB");
  EXPECT_EQ(HumanBytes(3.2e15), "3.20 PB");
}

}  // namespace
}  // namespace adxm

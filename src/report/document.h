// Document: one or more titled result tables (a report, or the sections of a statement) and their
// renderings: self-contained HTML (inline CSS and SVG charts, no script, no network; prints well),
// Markdown, and CSV sections.
//
// Thread-safety: pure functions over plain values.
// Example:
//   Document document = ReportDocument(result, "Acme Data");
//   WriteFile("report.html", RenderHtml(document), false);
#pragma once

#include <span>
#include <string>
#include <vector>

#include "query/query_table.h"
#include "report/report.h"

namespace adxm {

/// One titled table of a document.
struct DocumentSection {
  std::string heading;                    // Section title.
  std::string description;                // One paragraph under the heading.
  std::span<const ReportColumn> columns;  // Units of the table's columns (matched by name).
  ChartSpec chart;                        // Chart drawn above the table (HTML only); empty x: none.
  QueryTable table;                       // The rows.
};

/// A titled document.
struct Document {
  std::string title;                      // Page title and first heading.
  std::string subtitle;                   // Period and filters.
  std::vector<DocumentSection> sections;  // In order.
};

/// Render as one HTML page with inline CSS and SVG charts; numbers formatted by unit.
std::string RenderHtml(const Document& document);

/// Render as Markdown: headings, descriptions, GitHub tables.
std::string RenderMarkdown(const Document& document);

/// Render a "# title · subtitle" line, then each section as a CSV table preceded by a blank line and
/// a "# heading" line.
std::string RenderCsvSections(const Document& document);

/// Return `bytes` for people: "0 B", "950 B", "1.2 KB", "3.4 GB" (powers of 1000).
std::string HumanBytes(double bytes);

/// Return `text` with HTML's special characters escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace adxm

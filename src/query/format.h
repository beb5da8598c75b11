// Output formats for query results: a terminal table, CSV, JSON and Markdown.
//
// Thread-safety: pure functions.
// Example:
//   ADXM_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat("csv"));
//   std::cout << FormatTable(table, format);
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "query/query_table.h"

namespace adxm {

/// How FormatTable renders a result.
enum class OutputFormat {
  kTable,     // Box-drawn, aligned (numbers right), NULL shown as NULL, row count footer.
  kCsv,       // RFC 4180: header line, CRLF line ends, quoted when needed, NULL as an empty field.
  kJson,      // Array of objects, one per row; numbers and booleans unquoted, NULL as null.
  kMarkdown,  // GitHub table; numeric columns right-aligned, '|' escaped.
};

/// Parse "table", "csv", "json" or "markdown" (also "md"), in any case.
Result<OutputFormat> ParseOutputFormat(std::string_view name);

/// Render `table` in `format`; the text ends with a newline.
std::string FormatTable(const QueryTable& table, OutputFormat format);

}  // namespace adxm

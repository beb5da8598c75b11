// CsvReader: a small RFC 4180 reader for the mapping files, which keeps the line number of every
// record for error messages. Accepts a UTF-8 byte order mark and LF or CRLF line ends; quoted
// fields may hold commas, quotes ("") and line breaks. Text must be valid UTF-8 without NUL bytes.
//
// Thread-safety: a plain value.
// Example:
//   ADXM_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(text, "subscribers.csv"));
//   records[0].line;       // 1
//   records[0].fields[0];  // "account_id"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adxm {

/// One record of a CSV file.
struct CsvRecord {
  int line = 0;                     // 1-based line where the record starts.
  std::vector<std::string> fields;  // Its fields, unquoted.
};

/// Parse `text` (named `file_name` in errors). Blank lines are skipped. InvalidArgument names the
/// file and line of invalid UTF-8, a NUL byte, or an unterminated or misplaced quote.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, std::string_view file_name);

/// Return true when `text` is valid UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace adxm

#include "report/csv_reader.h"

namespace adxm {
namespace {

Status CsvError(std::string_view file_name, int line, std::string_view what) {
  return Status::InvalidArgument(std::string(file_name) + ":" + std::to_string(line) + ": " + std::string(what));
}

// Length of the UTF-8 sequence starting at `text[pos]`, or 0 if it is not a valid one.
size_t Utf8SequenceLength(std::string_view text, size_t pos) {
  auto byte = [&](size_t offset) { return static_cast<unsigned char>(text[pos + offset]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || pos + length > text.size()) return 0;
  for (size_t offset = 1; offset < length; ++offset) {
    if ((byte(offset) & 0xC0) != 0x80) return 0;
  }
  if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // Overlong.
  if (lead == 0xED && byte(1) > 0x9F) return 0;  // Surrogate.
  if (lead == 0xF0 && byte(1) < 0x90) return 0;  // Overlong.
  if (lead == 0xF4 && byte(1) > 0x8F) return 0;  // Beyond U+10FFFF.
  return length;
}

// Check the encoding line by line so that the error names the line.
Status CheckEncoding(std::string_view text, std::string_view file_name) {
  int line = 1;
  for (size_t pos = 0; pos < text.size();) {
    if (text[pos] == '\0') return CsvError(file_name, line, "NUL byte; the file must be UTF-8 text");
    size_t length = Utf8SequenceLength(text, pos);
    if (length == 0) return CsvError(file_name, line, "invalid UTF-8; save the file as UTF-8");
    if (text[pos] == '\n') ++line;
    pos += length;
  }
  return Status::OK();
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    size_t length = Utf8SequenceLength(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, std::string_view file_name) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  ADXM_RETURN_IF_ERROR(CheckEncoding(text, file_name));
  std::vector<CsvRecord> records;
  CsvRecord record{1, {}};
  std::string field;
  int line = 1;
  bool quoted = false;      // Inside a quoted field.
  bool was_quoted = false;  // The current field was quoted (only a separator may follow).
  auto end_record = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    bool blank = record.fields.size() == 1 && record.fields[0].empty() && !was_quoted;
    if (!blank) records.push_back(std::move(record));
    record = CsvRecord{line, {}};
    was_quoted = false;
  };
  for (size_t pos = 0; pos < text.size(); ++pos) {
    char c = text[pos];
    if (quoted) {
      if (c == '\n') ++line;
      if (c != '"') {
        field += c;
      } else if (pos + 1 < text.size() && text[pos + 1] == '"') {
        field += '"';
        ++pos;
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) return CsvError(file_name, line, "a quote inside an unquoted field");
      quoted = was_quoted = true;
    } else if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
      ++line;
      end_record();
    } else if (was_quoted) {
      return CsvError(file_name, line, "text after a closing quote");
    } else {
      field += c;
    }
  }
  if (quoted) return CsvError(file_name, record.line, "unterminated quoted field");
  if (!field.empty() || was_quoted || !record.fields.empty()) end_record();
  return records;
}

}  // namespace adxm

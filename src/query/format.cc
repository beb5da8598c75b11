#include "query/format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace adxm {
namespace {

bool IsNumeric(const QueryTable& table, size_t column_idx) {
  return column_idx < table.numeric.size() && table.numeric[column_idx];
}

// ---- table ----

// Cell text for a terminal: NULL spelled out, line breaks and tabs escaped so rows stay one line.
std::string DisplayText(const Cell& cell) {
  if (!cell) return "NULL";
  std::string out;
  for (char c : *cell) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out;
}

// Width in code points (UTF-8 continuation bytes do not count); wide CJK glyphs count as one.
size_t DisplayWidth(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Rule(const std::vector<size_t>& widths, std::string_view left, std::string_view middle,
                 std::string_view right) {
  std::string out(left);
  for (size_t column_idx = 0; column_idx < widths.size(); ++column_idx) {
    if (column_idx > 0) out += middle;
    for (size_t dash_idx = 0; dash_idx < widths[column_idx] + 2; ++dash_idx) out += "─";
  }
  return out + std::string(right) + "\n";
}

std::string Line(const QueryTable& table, const std::vector<std::string>& texts, const std::vector<size_t>& widths) {
  std::string out = "│";
  for (size_t column_idx = 0; column_idx < texts.size(); ++column_idx) {
    std::string padding(widths[column_idx] - DisplayWidth(texts[column_idx]), ' ');
    bool right = IsNumeric(table, column_idx);
    out += " " + (right ? padding + texts[column_idx] : texts[column_idx] + padding) + " │";
  }
  return out + "\n";
}

std::string RowCount(size_t rows) { return std::to_string(rows) + (rows == 1 ? " row\n" : " rows\n"); }

std::string FormatBox(const QueryTable& table) {
  if (table.column_names.empty()) return RowCount(table.rows.size());
  std::vector<std::vector<std::string>> texts;
  for (const auto& row : table.rows) {
    texts.emplace_back();
    for (const Cell& cell : row) texts.back().push_back(DisplayText(cell));
  }
  std::vector<size_t> widths;
  for (size_t column_idx = 0; column_idx < table.column_names.size(); ++column_idx) {
    widths.push_back(DisplayWidth(table.column_names[column_idx]));
    for (const auto& row : texts) widths.back() = std::max(widths.back(), DisplayWidth(row[column_idx]));
  }
  std::string out = Rule(widths, "┌", "┬", "┐") + Line(table, table.column_names, widths) +
                    Rule(widths, "├", "┼", "┤");
  for (const auto& row : texts) out += Line(table, row, widths);
  return out + Rule(widths, "└", "┴", "┘") + RowCount(table.rows.size());
}

// ---- CSV ----

void AppendCsvField(const Cell& cell, std::string* out) {
  if (!cell) return;  // NULL is an empty field; an empty string is "".
  bool quote = cell->empty() || cell->find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    *out += *cell;
    return;
  }
  *out += '"';
  for (char c : *cell) *out += c == '"' ? std::string("\"\"") : std::string(1, c);
  *out += '"';
}

void AppendCsvRecord(const std::vector<Cell>& cells, std::string* out) {
  for (size_t column_idx = 0; column_idx < cells.size(); ++column_idx) {
    if (column_idx > 0) *out += ',';
    AppendCsvField(cells[column_idx], out);
  }
  *out += "\r\n";
}

std::string FormatCsv(const QueryTable& table) {
  std::string out;
  AppendCsvRecord(std::vector<Cell>(table.column_names.begin(), table.column_names.end()), &out);
  for (const auto& row : table.rows) AppendCsvRecord(row, &out);
  return out;
}

// ---- JSON ----

void AppendJsonString(std::string_view text, std::string* out) {
  *out += '"';
  for (char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          *out += escaped;
        } else {
          *out += c;
        }
    }
  }
  *out += '"';
}

size_t SkipDigits(std::string_view text, size_t pos) {
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

// JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?  (so inf and nan stay strings).
bool IsJsonNumber(std::string_view text) {
  size_t pos = !text.empty() && text[0] == '-' ? 1 : 0;
  size_t end = SkipDigits(text, pos);
  if (end == pos || (text[pos] == '0' && end > pos + 1)) return false;
  if (end < text.size() && text[end] == '.') {
    size_t fraction_end = SkipDigits(text, end + 1);
    if (fraction_end == end + 1) return false;
    end = fraction_end;
  }
  if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
    size_t digits = end + 1 < text.size() && (text[end + 1] == '+' || text[end + 1] == '-') ? end + 2 : end + 1;
    end = SkipDigits(text, digits);
    if (end == digits) return false;
  }
  return end == text.size();
}

void AppendJsonValue(const QueryTable& table, size_t column_idx, const Cell& cell, std::string* out) {
  bool boolean = column_idx < table.column_types.size() && table.column_types[column_idx] == "BOOLEAN";
  if (!cell) {
    *out += "null";
  } else if ((IsNumeric(table, column_idx) && IsJsonNumber(*cell)) || boolean) {
    *out += *cell;
  } else {
    AppendJsonString(*cell, out);
  }
}

std::string FormatJson(const QueryTable& table) {
  std::string out = "[";
  for (size_t row_idx = 0; row_idx < table.rows.size(); ++row_idx) {
    out += row_idx == 0 ? "\n  {" : ",\n  {";
    for (size_t column_idx = 0; column_idx < table.column_names.size(); ++column_idx) {
      if (column_idx > 0) out += ", ";
      AppendJsonString(table.column_names[column_idx], &out);
      out += ": ";
      AppendJsonValue(table, column_idx, table.rows[row_idx][column_idx], &out);
    }
    out += '}';
  }
  return out + (table.rows.empty() ? "]\n" : "\n]\n");
}

// ---- Markdown ----

std::string MarkdownText(const Cell& cell) {
  if (!cell) return "NULL";
  std::string out;
  for (char c : *cell) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else if (c != '\r') out += c;
  }
  return out;
}

std::string FormatMarkdown(const QueryTable& table) {
  std::string header = "|", rule = "|";
  for (size_t column_idx = 0; column_idx < table.column_names.size(); ++column_idx) {
    header += " " + MarkdownText(table.column_names[column_idx]) + " |";
    rule += IsNumeric(table, column_idx) ? " ---: |" : " --- |";
  }
  std::string out = header + "\n" + rule + "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const Cell& cell : row) out += " " + MarkdownText(cell) + " |";
    out += "\n";
  }
  return out;
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "table") return OutputFormat::kTable;
  if (lower == "csv") return OutputFormat::kCsv;
  if (lower == "json") return OutputFormat::kJson;
  if (lower == "markdown" || lower == "md") return OutputFormat::kMarkdown;
  return Status::InvalidArgument("output format '" + std::string(name) +
                                 "': unknown; use table, csv, json or markdown");
}

std::string FormatTable(const QueryTable& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable: return FormatBox(table);
    case OutputFormat::kCsv: return FormatCsv(table);
    case OutputFormat::kJson: return FormatJson(table);
    case OutputFormat::kMarkdown: return FormatMarkdown(table);
  }
  return FormatBox(table);
}

}  // namespace adxm

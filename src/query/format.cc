#include "query/format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <vector>

#include "query/value_renderer.h"

namespace adxm {
namespace {

bool IsNumeric(const QueryTable& table, size_t column_idx) {
  return column_idx < table.numeric.size() && table.numeric[column_idx];
}

// ---- table ----

// Append `byte` as \xHH.
void AppendHexEscape(unsigned char byte, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out += "\\x";
  *out += kHex[byte >> 4];
  *out += kHex[byte & 0xf];
}

// Cell text for a terminal, lossless and one line per row: NULL spelled out; line breaks and tabs
// as \n \r \t, other control characters (NUL included) as \xHH, a backslash doubled.
std::string DisplayText(const Cell& cell) {
  if (!cell) return "NULL";
  std::string out;
  for (char c : *cell) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (byte < 0x20 || byte == 0x7f) AppendHexEscape(byte, &out);
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
  // Quoted also for any other control character (NUL included), which some readers trip on.
  bool quote = cell->empty() || std::any_of(cell->begin(), cell->end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return c == ',' || c == '"' || byte < 0x20 || byte == 0x7f;
  });
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

void AppendJsonValue(const QueryTable& table, size_t row_idx, size_t column_idx, std::string* out) {
  const Cell& cell = table.rows[row_idx][column_idx];
  bool boolean = column_idx < table.column_types.size() && table.column_types[column_idx] == "BOOLEAN";
  bool nested = column_idx < table.nested.size() && table.nested[column_idx] && row_idx < table.json_rows.size();
  if (nested && table.json_rows[row_idx][column_idx]) {
    *out += *table.json_rows[row_idx][column_idx];  // Real JSON: arrays and objects.
  } else if (!cell) {
    *out += "null";
  } else if ((IsNumeric(table, column_idx) && IsJsonNumber(*cell)) || boolean) {
    *out += *cell;
  } else {
    AppendJsonString(*cell, out);
  }
}

// Object keys for the columns: a repeated name gets a suffix (_1, _2, ...) not taken by another
// column, so that no value is hidden behind a duplicate key.
std::vector<std::string> UniqueKeys(const std::vector<std::string>& names) {
  std::set<std::string> taken(names.begin(), names.end());
  std::set<std::string> used;
  std::vector<std::string> keys;
  for (const std::string& name : names) {
    std::string key = name;
    int suffix = 0;
    while (used.count(key) > 0 || (suffix > 0 && taken.count(key) > 0)) key = name + "_" + std::to_string(++suffix);
    used.insert(key);
    keys.push_back(key);
  }
  return keys;
}

std::string FormatJson(const QueryTable& table) {
  std::vector<std::string> keys = UniqueKeys(table.column_names);
  std::string out = "[";
  for (size_t row_idx = 0; row_idx < table.rows.size(); ++row_idx) {
    out += row_idx == 0 ? "\n  {" : ",\n  {";
    for (size_t column_idx = 0; column_idx < table.column_names.size(); ++column_idx) {
      if (column_idx > 0) out += ", ";
      AppendJsonString(keys[column_idx], &out);
      out += ": ";
      AppendJsonValue(table, row_idx, column_idx, &out);
    }
    out += '}';
  }
  return out + (table.rows.empty() ? "]\n" : "\n]\n");
}

// ---- Markdown ----

// Cell text for a GitHub table, lossless as rendered: '|' and '\\' backslash-escaped, '<' and '&'
// as entities (so data never turns into HTML), a line break as <br>, other control characters as
// numeric entities.
std::string MarkdownText(const Cell& cell) {
  if (!cell) return "NULL";
  std::string out;
  for (char c : *cell) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '|') out += "\\|";
    else if (c == '\\') out += "\\\\";
    else if (c == '<') out += "&lt;";
    else if (c == '&') out += "&amp;";
    else if (c == '\n') out += "<br>";
    else if (byte < 0x20 || byte == 0x7f) out += "&#" + std::to_string(byte) + ";";
    else out += c;
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

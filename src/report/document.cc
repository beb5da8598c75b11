#include "report/document.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "query/format.h"

namespace adxm {
namespace {

constexpr std::string_view kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.2rem;margin:2rem 0 .3rem;border-bottom:1px solid #d5dbe3}
.subtitle{color:#5b6b7d;margin:0 0 1rem}.desc{color:#3b4b5d;margin:.2rem 0 .8rem}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{padding:3px 8px;border-bottom:1px solid #e6eaef;text-align:left;vertical-align:top}
th{background:#f3f6f9;font-weight:600}th small{display:block;font-weight:400;color:#7a8899}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.null{color:#a0aab5}
svg{display:block;margin:.4rem 0 1rem;max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#3b4b5d}
.empty{color:#7a8899;font-style:italic}footer{margin-top:2rem;color:#7a8899;font-size:12px}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}svg,tr{break-inside:avoid}}
)css";

constexpr std::string_view kPalette[] = {"#2f6db5", "#e07b39", "#3a9d5d", "#c44e52", "#8163b3",
                                         "#8c6d46", "#d662a8", "#6f7f8f", "#b5a22f", "#2fa8b5"};

const ReportColumn* FindColumn(std::span<const ReportColumn> columns, std::string_view name) {
  for (const ReportColumn& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

Unit UnitOf(const DocumentSection& section, size_t column_idx) {
  const ReportColumn* column = FindColumn(section.columns, section.table.column_names[column_idx]);
  if (column) return column->unit;
  return section.table.numeric[column_idx] ? Unit::kCount : Unit::kText;
}

std::optional<size_t> ColumnIndex(const QueryTable& table, std::string_view name) {
  for (size_t column_idx = 0; column_idx < table.column_names.size(); ++column_idx) {
    if (table.column_names[column_idx] == name) return column_idx;
  }
  return std::nullopt;
}

double Number(const Cell& cell) { return cell ? std::strtod(cell->c_str(), nullptr) : 0; }

std::string Thousands(std::string_view digits) {
  size_t dot = digits.find('.');
  std::string_view whole = digits.substr(0, dot);
  size_t sign = !whole.empty() && whole[0] == '-' ? 1 : 0;
  std::string out(whole.substr(0, sign));
  for (size_t pos = sign; pos < whole.size(); ++pos) {
    if (pos > sign && (whole.size() - pos) % 3 == 0) out += ',';
    out += whole[pos];
  }
  if (dot != std::string_view::npos) out += digits.substr(dot);
  return out;
}

/// A cell as HTML: numbers by unit, exact bytes in a tooltip, NULL greyed.
std::string HtmlCell(const Cell& cell, Unit unit, bool numeric) {
  std::string cls = numeric ? " class=\"n\"" : "";
  if (!cell) return numeric ? "<td class=\"n null\">–</td>" : "<td class=\"null\">–</td>";
  if (unit == Unit::kBytes) {
    return fmt::format("<td{} title=\"{} bytes\">{}</td>", cls, Thousands(*cell), HumanBytes(Number(cell)));
  }
  if (unit == Unit::kCount) return fmt::format("<td{}>{}</td>", cls, Thousands(*cell));
  if (unit == Unit::kPercent) return fmt::format("<td{}>{} %</td>", cls, *cell);
  return fmt::format("<td{}>{}</td>", cls, HtmlEscape(*cell));
}

std::string HtmlTable(const DocumentSection& section) {
  const QueryTable& table = section.table;
  if (table.rows.empty()) return "<p class=\"empty\">No rows.</p>\n";
  std::string out = "<table>\n<thead><tr>";
  for (size_t column_idx = 0; column_idx < table.column_names.size(); ++column_idx) {
    Unit unit = UnitOf(section, column_idx);
    const ReportColumn* column = FindColumn(section.columns, table.column_names[column_idx]);
    std::string title = column ? fmt::format(" title=\"{}\"", HtmlEscape(column->description)) : "";
    out += fmt::format("<th{}{}>{}<small>{}</small></th>", table.numeric[column_idx] ? " class=\"n\"" : "", title,
                       HtmlEscape(table.column_names[column_idx]), unit == Unit::kText ? "" : UnitName(unit));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (size_t column_idx = 0; column_idx < row.size(); ++column_idx) {
      out += HtmlCell(row[column_idx], UnitOf(section, column_idx), table.numeric[column_idx]);
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string AxisLabel(double value, Unit unit) {
  if (unit == Unit::kBytes) return HumanBytes(value);
  if (std::fabs(value) >= 1e6) return fmt::format("{:.1f}M", value / 1e6);
  if (std::fabs(value) >= 1e4) return fmt::format("{:.0f}k", value / 1e3);
  return fmt::format("{:g}", std::round(value * 10) / 10);
}

/// Horizontal bars: y summed per x, the 20 largest.
std::string BarChart(const DocumentSection& section, size_t x, size_t y) {
  std::map<std::string, double> totals;
  for (const auto& row : section.table.rows) totals[row[x].value_or("NULL")] += Number(row[y]);
  std::vector<std::pair<std::string, double>> bars(totals.begin(), totals.end());
  std::stable_sort(bars.begin(), bars.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (bars.size() > 20) bars.resize(20);
  double max = bars.empty() ? 0 : std::max(bars.front().second, 1e-9);
  constexpr int kLabel = 260, kBar = 560, kRow = 20;
  std::string out = fmt::format("<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{} by {}\">\n",
                                kLabel + kBar + 90, bars.size() * kRow + 6, HtmlEscape(section.table.column_names[y]),
                                HtmlEscape(section.table.column_names[x]));
  Unit unit = UnitOf(section, y);
  for (size_t bar_idx = 0; bar_idx < bars.size(); ++bar_idx) {
    const auto& [label, value] = bars[bar_idx];
    double width = std::max(0.0, value / max * kBar);
    size_t top = bar_idx * kRow + 3;
    std::string shown = label.size() > 42 ? "…" + label.substr(label.size() - 40) : label;
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLabel - 6, top + 13, HtmlEscape(shown));
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>", kLabel, top, width,
                       kRow - 5, kPalette[0]);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{}</text>\n", kLabel + width + 4, top + 13, AxisLabel(value, unit));
  }
  return out + "</svg>\n";
}

/// Lines over x (dates, in order), one per series value (the 10 largest).
std::string LineChart(const DocumentSection& section, size_t x, size_t y, std::optional<size_t> series) {
  std::map<std::string, std::map<std::string, double>> lines;  // series -> x -> y
  std::map<std::string, double> series_totals;
  std::vector<std::string> xs;
  for (const auto& row : section.table.rows) {
    std::string name = series ? row[*series].value_or("NULL") : section.table.column_names[y];
    std::string key = row[x].value_or("");
    lines[name][key] += Number(row[y]);
    series_totals[name] += Number(row[y]);
    xs.push_back(key);
  }
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  std::vector<std::pair<std::string, double>> order(series_totals.begin(), series_totals.end());
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (order.size() > std::size(kPalette)) order.resize(std::size(kPalette));
  double max = 1e-9;
  for (const auto& [name, total] : order) {
    for (const auto& [key, value] : lines[name]) max = std::max(max, value);
  }
  constexpr double kLeft = 70, kWidth = 820, kTop = 10, kHeight = 220;
  Unit unit = UnitOf(section, y);
  std::string out = fmt::format("<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{} over {}\">\n",
                                kLeft + kWidth + 20, kTop + kHeight + 40 + 16 * ((order.size() + 3) / 4),
                                HtmlEscape(section.table.column_names[y]), HtmlEscape(section.table.column_names[x]));
  for (int tick = 0; tick <= 4; ++tick) {
    double value = max * tick / 4, top = kTop + kHeight - kHeight * tick / 4;
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e6eaef\"/>", kLeft,
                       kLeft + kWidth, top, top);
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLeft - 6, top + 4,
                       AxisLabel(value, unit));
  }
  auto x_of = [&](size_t idx) { return kLeft + (xs.size() < 2 ? kWidth / 2 : kWidth * idx / (xs.size() - 1)); };
  for (size_t idx : {size_t{0}, xs.size() / 2, xs.size() - 1}) {
    if (idx < xs.size())
      out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x_of(idx), kTop + kHeight + 16,
                         HtmlEscape(xs[idx]));
  }
  for (size_t series_idx = 0; series_idx < order.size(); ++series_idx) {
    const auto& points = lines[order[series_idx].first];
    std::string path;
    for (size_t idx = 0; idx < xs.size(); ++idx) {
      auto it = points.find(xs[idx]);
      double value = it == points.end() ? 0 : it->second;
      path += fmt::format("{:.1f},{:.1f} ", x_of(idx), kTop + kHeight - kHeight * value / max);
    }
    std::string_view color = kPalette[series_idx];
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\" points=\"{}\"/>\n", color, path);
    double legend_x = kLeft + static_cast<double>(series_idx % 4) * 205;
    double legend_y = kTop + kHeight + 36 + 16 * static_cast<double>(series_idx / 4);
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n", legend_x,
        legend_y - 9, color, legend_x + 14, legend_y, HtmlEscape(order[series_idx].first));
  }
  return out + "</svg>\n";
}

std::string Chart(const DocumentSection& section) {
  const ChartSpec& chart = section.chart;
  if (chart.x.empty() || section.table.rows.empty()) return "";
  auto x = ColumnIndex(section.table, chart.x);
  auto y = ColumnIndex(section.table, chart.y);
  if (!x || !y) return "";
  if (chart.line)
    return LineChart(section, *x, *y, chart.series.empty() ? std::nullopt : ColumnIndex(section.table, chart.series));
  return BarChart(section, *x, *y);
}

}  // namespace

std::string HumanBytes(double bytes) {
  constexpr std::string_view kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  size_t unit = 0;
  double value = bytes;
  while (std::fabs(value) >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  if (unit == 0) return fmt::format("{:.0f} B", value);
  return fmt::format("{:.{}f} {}", value, std::fabs(value) < 10 ? 2 : std::fabs(value) < 100 ? 1 : 0, kUnits[unit]);
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderHtml(const Document& document) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      HtmlEscape(document.title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out +=
      "<h1>" + HtmlEscape(document.title) + "</h1>\n<p class=\"subtitle\">" + HtmlEscape(document.subtitle) + "</p>\n";
  for (const DocumentSection& section : document.sections) {
    out += "<section>\n<h2>" + HtmlEscape(section.heading) + "</h2>\n";
    if (!section.description.empty()) out += "<p class=\"desc\">" + HtmlEscape(section.description) + "</p>\n";
    out += Chart(section) + HtmlTable(section) + "</section>\n";
  }
  return out +
         "<footer>adxmetrics · times in UTC · bytes in powers of 1000 (hover for exact "
         "values)</footer>\n</body>\n</html>\n";
}

std::string RenderMarkdown(const Document& document) {
  std::string out = "# " + document.title + "\n\n" + document.subtitle + "\n";
  for (const DocumentSection& section : document.sections) {
    out += "\n## " + section.heading + "\n\n";
    if (!section.description.empty()) out += section.description + "\n\n";
    out += section.table.rows.empty() ? "No rows.\n" : FormatTable(section.table, OutputFormat::kMarkdown);
  }
  return out;
}

std::string RenderCsvSections(const Document& document) {
  std::string out = "# " + document.title + " · " + document.subtitle + "\r\n";
  for (const DocumentSection& section : document.sections) {
    out += "\r\n# " + section.heading + "\r\n" + FormatTable(section.table, OutputFormat::kCsv);
  }
  return out;
}

}  // namespace adxm

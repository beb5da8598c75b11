// Reports as data: each usage report is a name, a title, a description, one SQL statement, the
// options it takes and its columns with units. ReportRunner (report_runner.h) runs them.
//
// A report's SQL reads the table macro `adxm_usage(from, to, subscriber, access_points, exclude_anonymous)`
// (kSetupSql), which joins the mapping tables and applies the common filters, and names its inputs
// as DuckDB named parameters ($from, $to, $subscriber, ...; see ReportParams). The runner binds each
// parameter the statement names from the options; user input never becomes SQL text.
//
// Thread-safety: immutable data.
// Example:
//   const Report* report = FindReport("subscribers");
//   for (const Report& report : Reports()) std::cout << report.name << ": " << report.title << "\n";
#pragma once

#include <span>
#include <string_view>

namespace adxm {

/// What a report column holds, for headings, number formatting and charts.
enum class Unit {
  kText,     // A name, id or label.
  kDate,     // A UTC day (YYYY-MM-DD).
  kTime,     // A UTC timestamp.
  kCount,    // A number of requests, objects, subscribers, days...
  kBytes,    // A number of bytes.
  kPercent,  // A percentage (0-100).
  kRatio,    // A plain number (a threshold, a factor).
};

/// Return the unit's short name ("bytes", "count", "UTC time", ...), as --list and the HTML headings show it.
std::string_view UnitName(Unit unit);

/// Return the unit's identifier for data ("text", "date", "time", "count", "bytes", "percent", "ratio"),
/// as the dashboard's JSON API names it.
std::string_view UnitId(Unit unit);

/// One column of a report's result, in order.
struct ReportColumn {
  std::string_view name;         // Column name as the SQL returns it.
  Unit unit;                     // What it holds.
  std::string_view description;  // One line for --list and the HTML legend.
};

/// How the HTML output charts a report (columns by name; empty x = no chart).
struct ChartSpec {
  std::string_view x;       // Category or date column.
  std::string_view y;       // Numeric column to plot.
  std::string_view series;  // Optional column splitting the data into lines/bars; "" for one series.
  bool line = false;        // A line chart over dates; otherwise horizontal bars (top 20).
};

/// Report-specific options (besides the period, --subscriber, --dataset and --exclude-anonymous).
enum ReportOption : unsigned {
  kOptionNone = 0,
  kOptionBy = 1,          // --by day|week|month.
  kOptionDays = 2,        // --days N.
  kOptionK = 4,           // --k X.
  kOptionWindow = 8,      // --window N.
  kOptionTop = 16,        // --top N.
  kOptionMinFactor = 32,  // --min-factor X.
};

/// One report.
struct Report {
  std::string_view name;         // CLI name: `adxmetrics report <name>`.
  std::string_view title;        // Heading.
  std::string_view description;  // What it answers and how it counts.
  std::string_view sql;          // One SELECT over adxm_usage(...) with named parameters.
  unsigned options;              // ReportOption bits it takes.
  std::span<const ReportColumn> columns;
  ChartSpec chart;
  // The same SELECT over the daily rollup (adxm_daily_usage(...), kRollupSetupSql), returning exactly
  // what `sql` returns; empty when the report needs the detail rows (objects, user agents, error codes).
  std::string_view rollup_sql = {};
};

/// Return every report, in catalogue order.
std::span<const Report> Reports();

/// Return the report called `name`, or nullptr.
const Report* FindReport(std::string_view name);

/// SQL that builds the daily rollup on a connection where kSetupSql ran: the temporary table
/// `adxm_daily` (day x subscriber x access point x eventName x success: requests, downloads, bytes;
/// ~100k rows for 10M events over 90 days) and the table macro `adxm_daily_usage(from, to,
/// subscriber, access_points, exclude_anonymous)` with adxm_usage()'s filters.
extern const std::string_view kRollupSetupSql;

/// SQL run once per connection before any report: the `adxm_usage` table macro and the
/// `adxm_client` scalar macro (user agent -> client family). Needs the mapping tables (mapping.h).
extern const std::string_view kSetupSql;

}  // namespace adxm

// ReportRunner: runs catalogue reports (report.h) over one warehouse through the read-only query
// engine. Open() opens a QueryEngine, loads the mapping tables and defines the report macros;
// Run() prepares a report's SQL and binds every named parameter it uses from ReportParams, so
// no option value ever becomes SQL text.
//
// Thread-safety: one thread at a time (it owns the engine's connection).
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto runner, ReportRunner::Open("/data/warehouse", {}));
//   ReportParams params;
//   params.month = "2023-05";
//   ADXM_ASSIGN_OR_RETURN(ReportResult result, runner->Run(*FindReport("events"), params));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "query/query_engine.h"
#include "query/query_table.h"
#include "report/mapping.h"
#include "report/report.h"

namespace adxm {

/// What a report run covers and its options. Dates are "YYYY-MM-DD" (UTC days), inclusive.
struct ReportParams {
  std::string from;                // First day; empty: the first day with data (or --month's first).
  std::string to;                  // Last day; empty: the last day with data (or --month's last).
  std::string month;               // "YYYY-MM": the whole month; excludes from/to.
  std::string subscriber;          // Only this account id; empty: all.
  std::string dataset;             // Only this data set (mapped name or access point ARN); empty: all.
  bool exclude_anonymous = false;  // Leave out unsigned requests (account 'anonymous').
  std::string by = "month";        // summary: day, week or month.
  int64_t days = 30;               // inactive: no request in the last N days of the period.
  double k = 6;                    // spikes: threshold = median + k * 1.4826 * MAD.
  int64_t window = 14;             // spikes: trailing days of the baseline.
  double min_factor = 3;           // spikes: and at least this many times the baseline median.
  int64_t top = 20;                // objects: rows per ranking.
  // Further named parameters for SQL beyond the catalogue (the dashboard's drill-down filters,
  // paging): each binds $name to its value; monostate binds NULL.
  using Value = std::variant<std::monostate, std::string, int64_t, bool>;
  std::vector<std::pair<std::string, Value>> extra;
};

/// A period of whole UTC days, as days since 1970-01-01, inclusive.
struct Period {
  int64_t from_day = 0;
  int64_t to_day = 0;
};

/// A report's result.
struct ReportResult {
  const Report* report = nullptr;
  Period period;     // The period it covers.
  QueryTable table;  // Its rows, columns as report->columns.
};

/// Where the mapping files are (empty: none).
struct MappingFiles {
  std::filesystem::path subscribers;  // account_id,name,... CSV.
  std::filesystem::path datasets;     // access_point_arn,dataset,... CSV.
};

/// Runs reports over one warehouse.
class ReportRunner {
 public:
  /// Open `warehouse` with the mapping files `files` (errors name the file and line).
  static Result<std::unique_ptr<ReportRunner>> Open(const std::filesystem::path& warehouse, const MappingFiles& files,
                                                    const QueryEngineOptions& options = {});
  /// Open `warehouse` with mappings already loaded (either may be null: none).
  static Result<std::unique_ptr<ReportRunner>> Open(const std::filesystem::path& warehouse, const Mapping* subscribers,
                                                    const Mapping* datasets, const QueryEngineOptions& options = {});

  /// Check `params` (dates, month, by, ranges) and resolve the period; InvalidArgument names the option.
  Result<Period> ResolvePeriod(const ReportParams& params);

  /// Run `report` with `params`.
  Result<ReportResult> Run(const Report& report, const ReportParams& params);

  /// Prepare `sql` on the engine's connection and bind the named parameters it uses (for callers
  /// that execute it themselves, e.g. a benchmark's EXPLAIN ANALYZE).
  Result<std::unique_ptr<PreparedStatement>> Prepare(std::string_view sql, const ReportParams& params,
                                                     const Period& period);

  /// Run one SELECT over adxm_usage() with the named parameters of `params` and `period`.
  Result<QueryTable> RunSql(std::string_view sql, const ReportParams& params, const Period& period);

  /// Build the daily rollup (kRollupSetupSql) from this runner's snapshot; from then on the reports
  /// that have a rollup_sql run it (same results, a fraction of the work). Costs one scan of the
  /// dataset: worth it for a long-lived runner (the dashboard server), not for one report.
  Status BuildRollup();
  bool has_rollup() const { return has_rollup_; }

  /// The query engine (e.g. for ad-hoc SQL beside the reports).
  QueryEngine* engine() { return engine_.get(); }

 private:
  explicit ReportRunner(std::unique_ptr<QueryEngine> engine) : engine_(std::move(engine)) {}
  /// The first and last day with data; nullopt when there is none.
  Result<std::optional<Period>> DataBounds();
  /// The access point ARNs of `dataset` (comma-separated; the name itself when it is not mapped).
  Result<std::string> AccessPointsOf(const std::string& dataset);

  std::unique_ptr<QueryEngine> engine_;
  bool has_rollup_ = false;
};

/// Parse strict "YYYY-MM-DD" into days since 1970-01-01; InvalidArgument names `option`.
Result<int64_t> ParseDay(std::string_view text, std::string_view option);

/// Format days since 1970-01-01 as "YYYY-MM-DD".
std::string FormatDay(int64_t day);

}  // namespace adxm

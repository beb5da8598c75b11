#include "report/report_runner.h"

#include <fmt/format.h>

#include <chrono>

#include "base/civil_time.h"
#include "db/duckdb_api.h"

namespace adxm {
namespace {

/// Parse "YYYY-MM" into the period of that month.
Result<Period> ParseMonth(std::string_view text) {
  if (text.size() == 7 && text[4] == '-') {
    auto first = ParseDay(std::string(text) + "-01", "--month");
    if (first.ok()) {
      CivilDate date = CivilFromDays(*first);
      int64_t next =
          date.month == 12 ? DaysFromCivil(date.year + 1, 1, 1) : DaysFromCivil(date.year, date.month + 1, 1);
      return Period{*first, next - 1};
    }
  }
  return Status::InvalidArgument("--month '" + std::string(text) + "' is not a month YYYY-MM");
}

Status CheckParams(const ReportParams& params) {
  if (params.by != "day" && params.by != "week" && params.by != "month") {
    return Status::InvalidArgument("--by must be day, week or month, got '" + params.by + "'");
  }
  if (params.days < 1 || params.days > 36600) return Status::InvalidArgument("--days must be between 1 and 36600");
  if (params.window < 2 || params.window > 366) return Status::InvalidArgument("--window must be between 2 and 366");
  if (!(params.k > 0 && params.k <= 1000)) return Status::InvalidArgument("--k must be above 0 and at most 1000");
  if (params.top < 1 || params.top > 100000) return Status::InvalidArgument("--top must be between 1 and 100000");
  if (!(params.min_factor >= 1 && params.min_factor <= 1000)) {
    return Status::InvalidArgument("--min-factor must be between 1 and 1000");
  }
  if (!params.month.empty() && (!params.from.empty() || !params.to.empty())) {
    return Status::InvalidArgument("--month cannot be combined with --from or --to");
  }
  return Status::OK();
}

Status Bind(duckdb_state state, std::string_view name) {
  if (state == DuckDBError) return Status::Internal("report: bind parameter $" + std::string(name) + " failed");
  return Status::OK();
}

Status BindDay(duckdb_prepared_statement statement, idx_t index, int64_t day, std::string_view name) {
  duckdb_date date{static_cast<int32_t>(day)};
  return Bind(duckdb_bind_date(statement, index, date), name);
}

Status BindText(duckdb_prepared_statement statement, idx_t index, const std::string& text, std::string_view name) {
  if (text.empty()) return Bind(duckdb_bind_null(statement, index), name);
  return Bind(duckdb_bind_varchar_length(statement, index, text.data(), text.size()), name);
}

/// Bind parameter `index`, named `name` in the SQL, from the options; `access_points` is the
/// --dataset filter resolved to access point ARNs.
Status BindParameter(duckdb_prepared_statement statement, idx_t index, std::string_view name,
                     const ReportParams& params, const Period& period, const std::string& access_points) {
  int64_t length = period.to_day - period.from_day + 1;
  if (name == "from") return BindDay(statement, index, period.from_day, name);
  if (name == "to") return BindDay(statement, index, period.to_day, name);
  if (name == "prev_from") return BindDay(statement, index, period.from_day - length, name);
  if (name == "prev_to") return BindDay(statement, index, period.from_day - 1, name);
  if (name == "subscriber") return BindText(statement, index, params.subscriber, name);
  if (name == "access_points") return BindText(statement, index, access_points, name);
  if (name == "by") return BindText(statement, index, params.by, name);
  if (name == "exclude_anonymous") return Bind(duckdb_bind_boolean(statement, index, params.exclude_anonymous), name);
  if (name == "days") return Bind(duckdb_bind_int64(statement, index, params.days), name);
  if (name == "window") return Bind(duckdb_bind_int64(statement, index, params.window), name);
  if (name == "top") return Bind(duckdb_bind_int64(statement, index, params.top), name);
  if (name == "k") return Bind(duckdb_bind_double(statement, index, params.k), name);
  if (name == "min_factor") return Bind(duckdb_bind_double(statement, index, params.min_factor), name);
  for (const auto& [extra_name, value] : params.extra) {
    if (extra_name != name) continue;
    if (const auto* text = std::get_if<std::string>(&value)) {
      return Bind(duckdb_bind_varchar_length(statement, index, text->data(), text->size()), name);
    }
    if (const auto* integer = std::get_if<int64_t>(&value)) return Bind(duckdb_bind_int64(statement, index, *integer), name);
    if (const auto* flag = std::get_if<bool>(&value)) return Bind(duckdb_bind_boolean(statement, index, *flag), name);
    return Bind(duckdb_bind_null(statement, index), name);
  }
  return Status::Internal("report SQL names an unknown parameter $" + std::string(name));
}

}  // namespace

Result<int64_t> ParseDay(std::string_view text, std::string_view option) {
  auto fail = [&] {
    return Status::InvalidArgument(std::string(option) + " '" + std::string(text) + "' is not a date YYYY-MM-DD");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail();
  int values[3] = {0, 0, 0};
  size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part) {
    for (size_t pos = starts[part]; pos < starts[part] + lengths[part]; ++pos) {
      if (text[pos] < '0' || text[pos] > '9') return fail();
      values[part] = values[part] * 10 + (text[pos] - '0');
    }
  }
  auto [year, month, day] = values;
  if (year < 1970 || month < 1 || month > 12 || day < 1) return fail();
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  if (CivilFromDays(days).day != static_cast<unsigned>(day)) return fail();  // 2023-02-30.
  return days;
}

std::string FormatDay(int64_t day) {
  CivilDate date = CivilFromDays(day);
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

Result<std::unique_ptr<ReportRunner>> ReportRunner::Open(const std::filesystem::path& warehouse,
                                                         const MappingFiles& files, const QueryEngineOptions& options) {
  std::optional<Mapping> subscribers, datasets;
  if (!files.subscribers.empty()) {
    ADXM_ASSIGN_OR_RETURN(subscribers, LoadMapping(MappingKind::kSubscribers, files.subscribers));
  }
  if (!files.datasets.empty()) {
    ADXM_ASSIGN_OR_RETURN(datasets, LoadMapping(MappingKind::kDatasets, files.datasets));
  }
  return Open(warehouse, subscribers ? &*subscribers : nullptr, datasets ? &*datasets : nullptr, options);
}

Result<std::unique_ptr<ReportRunner>> ReportRunner::Open(const std::filesystem::path& warehouse,
                                                         const Mapping* subscribers, const Mapping* datasets,
                                                         const QueryEngineOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto engine, QueryEngine::Open(warehouse, options));
  Connection* conn = engine->connection();
  ADXM_RETURN_IF_ERROR(InstallMappings(conn, subscribers, datasets));
  Status setup = conn->Execute(kSetupSql);
  if (!setup.ok()) return setup.WithContext("report: define macros");
  return std::unique_ptr<ReportRunner>(new ReportRunner(std::move(engine)));
}

Result<std::optional<Period>> ReportRunner::DataBounds() {
  ADXM_ASSIGN_OR_RETURN(QueryTable table,
                        engine_->Run("SELECT min(year || '-' || month || '-' || day), "
                                     "max(year || '-' || month || '-' || day) FROM adx_for_s3_metrics"));
  const auto& row = table.rows.at(0);
  if (!row[0] || !row[1]) return std::optional<Period>();
  ADXM_ASSIGN_OR_RETURN(int64_t first, ParseDay(*row[0], "first day with data"));
  ADXM_ASSIGN_OR_RETURN(int64_t last, ParseDay(*row[1], "last day with data"));
  return std::optional<Period>(Period{first, last});
}

Result<Period> ReportRunner::ResolvePeriod(const ReportParams& params) {
  ADXM_RETURN_IF_ERROR(CheckParams(params));
  if (!params.dataset.empty() && !params.dataset.starts_with("arn:")) {
    // A misspelt name would otherwise match nothing: an empty answer that looks like no usage.
    ADXM_ASSIGN_OR_RETURN(std::string access_points, AccessPointsOf(params.dataset));
    if (access_points == params.dataset) {
      return Status::InvalidArgument("data set '" + params.dataset +
                                     "' is neither a name in the data-set mapping (--datasets) nor an access point ARN");
    }
  }
  if (!params.month.empty()) return ParseMonth(params.month);
  std::optional<int64_t> from, to;
  if (!params.from.empty()) {
    ADXM_ASSIGN_OR_RETURN(from, ParseDay(params.from, "--from"));
  }
  if (!params.to.empty()) {
    ADXM_ASSIGN_OR_RETURN(to, ParseDay(params.to, "--to"));
  }
  if (!from || !to) {
    ADXM_ASSIGN_OR_RETURN(std::optional<Period> bounds, DataBounds());
    if (!bounds) {  // No data: the one bound given is the period, else today (UTC).
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      const int64_t today = std::chrono::duration_cast<std::chrono::days>(now).count();
      if (!from) from = to.value_or(today);
      if (!to) to = from;
    }
    if (!from) from = to ? std::min(*to, bounds->from_day) : bounds->from_day;
    if (!to) to = std::max(*from, bounds->to_day);
  }
  if (*from > *to) {
    return Status::InvalidArgument("--from " + FormatDay(*from) + " is after --to " + FormatDay(*to));
  }
  return Period{*from, *to};
}

Result<std::string> ReportRunner::AccessPointsOf(const std::string& dataset) {
  if (dataset.empty()) return std::string();
  ADXM_ASSIGN_OR_RETURN(auto statement, engine_->connection()->Prepare(
                                            "SELECT string_agg(access_point_arn, ',' ORDER BY access_point_arn) "
                                            "FROM adxm_dataset_map WHERE dataset = $1"));
  ADXM_RETURN_IF_ERROR(statement->BindVarchar(1, dataset));
  ADXM_ASSIGN_OR_RETURN(QueryTable table, engine_->RunPrepared(statement.get()));
  // A data set without a mapping is named by its access point ARN.
  return table.rows.at(0).at(0).value_or(dataset);
}

Result<std::unique_ptr<PreparedStatement>> ReportRunner::Prepare(std::string_view sql, const ReportParams& params,
                                                                 const Period& period) {
  ADXM_ASSIGN_OR_RETURN(std::string access_points, AccessPointsOf(params.dataset));
  duckdb_prepared_statement raw = nullptr;
  duckdb_state state = duckdb_prepare(engine_->connection()->get(), std::string(sql).c_str(), &raw);
  auto statement = std::make_unique<PreparedStatement>(raw);  // Owns `raw` from here on, also on failure.
  if (state == DuckDBError) {
    const char* error = duckdb_prepare_error(raw);
    return Status::Internal(std::string("report: prepare: ") + (error ? error : "unknown error"));
  }
  for (idx_t index = 1; index <= duckdb_nparams(raw); ++index) {
    const char* name = duckdb_parameter_name(raw, index);
    std::string owned = name ? name : "";
    duckdb_free(const_cast<char*>(name));
    ADXM_RETURN_IF_ERROR(BindParameter(raw, index, owned, params, period, access_points));
  }
  return statement;
}

Result<QueryTable> ReportRunner::RunSql(std::string_view sql, const ReportParams& params, const Period& period) {
  ADXM_ASSIGN_OR_RETURN(auto statement, Prepare(sql, params, period));
  return engine_->RunPrepared(statement.get());
}

Status ReportRunner::BuildRollup() {
  Status built = engine_->connection()->Execute(kRollupSetupSql);
  if (!built.ok()) return built.WithContext("report: build the daily rollup");
  has_rollup_ = true;
  return Status::OK();
}

Result<ReportResult> ReportRunner::Run(const Report& report, const ReportParams& params) {
  ADXM_ASSIGN_OR_RETURN(Period period, ResolvePeriod(params));
  auto table = RunSql(has_rollup_ && !report.rollup_sql.empty() ? report.rollup_sql : report.sql, params, period);
  // The options were checked above, so a failure here is the report's or the dataset's, not a usage
  // error; a limit (timeout, memory) stays Unavailable.
  if (!table.ok()) {
    std::string message = "report " + std::string(report.name) + ": " + table.status().message();
    return table.status().code() == StatusCode::kUnavailable ? Status::Unavailable(message) : Status::Internal(message);
  }
  return ReportResult{&report, period, std::move(*table)};
}

}  // namespace adxm

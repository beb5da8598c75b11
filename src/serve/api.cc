#include "serve/api.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "base/civil_time.h"
#include "base/printable.h"
#include "query/format.h"
#include "report/report.h"

namespace adxm {
namespace {

using json = nlohmann::json;

// ---- SQL beyond the catalogue. Same conventions as report_catalog.cc: rows from adxm_usage(),
// every input a named parameter. ----

// The KPI tiles and the time series read the daily rollup (kRollupSetupSql, report.h), exact against the
// detail rows: every figure they show is a sum or a distinct count over its grain.
constexpr std::string_view kKpiSql = R"sql(
WITH cur AS (
  SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(downloads), 0) AS downloads,
         coalesce(sum(bytes_out), 0) AS bytes_out, count(DISTINCT account_id) AS active_subscribers
  FROM adxm_daily_usage($from, $to, $subscriber, $access_points, $exclude_anonymous)),
prev AS (
  SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(downloads), 0) AS downloads,
         coalesce(sum(bytes_out), 0) AS bytes_out, count(DISTINCT account_id) AS active_subscribers
  FROM adxm_daily_usage($prev_from, $prev_to, $subscriber, $access_points, $exclude_anonymous))
SELECT cur.requests, cur.downloads, cur.bytes_out, cur.active_subscribers,
       prev.requests, prev.downloads, prev.bytes_out, prev.active_subscribers
FROM cur, prev
)sql";

constexpr std::string_view kTimeseriesSql = R"sql(
WITH per AS (
  SELECT CAST(date_trunc($by, day) AS DATE) AS bucket, account_id, sum(requests) AS requests,
         sum(downloads) AS downloads, sum(bytes_out) AS bytes_out
  FROM adxm_daily_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY ALL)
SELECT strftime(bucket, '%Y-%m-%d') AS bucket, account_id, adxm_subscriber_name(account_id) AS subscriber,
       requests, downloads, bytes_out
FROM per ORDER BY bucket, account_id
)sql";

// The drill-down filters of /api/events: the clause of each filter given (the SQL text is made
// only of these constants; the values are bound parameters), so filters not asked for cost nothing.
constexpr std::pair<std::string_view, std::string_view> kEventFilters[] = {
    {"event_name", "event_name = $event_name"},
    {"error_code", "($error_code = '*' AND error_code IS NOT NULL OR error_code = $error_code)"},
    {"ok", "ok = $ok"},
    {"download", "(event_name = 'GetObject' AND ok) = $download"},  // Also valid on the rollup.
    {"object_key", "object_key = $object_key"},
    {"prefix", "object_key IS NOT NULL AND regexp_extract(object_key, '^(.*/)', 1) = $prefix"},
    {"client", "adxm_client(user_agent) = $client"},
    {"access_point_arn", "access_point_arn = $access_point_arn"},
    {"day", "day = CAST($day AS DATE)"},
};

constexpr std::string_view kEventsFrom = "FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous)";

// The page is chosen on the narrow columns first; names are looked up for its rows only.
constexpr std::string_view kEventsPage = R"sql(
SELECT event_time, account_id, adxm_subscriber_name(account_id) AS subscriber, event_name,
       adxm_dataset_name(access_point_arn) AS dataset, object_key, error_code, bytes_out,
       adxm_client(user_agent) AS client, source_ip, event_id
FROM (SELECT event_time, account_id, event_name, access_point_arn, object_key, error_code, bytes_out, user_agent,
             source_ip, event_id
      {FROM} {WHERE}
      ORDER BY event_time DESC, event_id LIMIT $limit OFFSET $offset)
ORDER BY event_time DESC, event_id
)sql";

constexpr std::pair<std::string_view, std::string_view> kEventColumns[] = {
    {"event_time", "time"}, {"account_id", "text"}, {"subscriber", "text"}, {"event_name", "text"},
    {"dataset", "text"},    {"object_key", "text"}, {"error_code", "text"}, {"bytes_out", "bytes"},
    {"client", "text"},     {"source_ip", "text"},  {"event_id", "text"},
};

constexpr std::string_view kSubscriberOptionsSql = R"sql(
WITH ids AS (
  SELECT DISTINCT subscriber_account_id AS account_id FROM adx_for_s3_metrics
  UNION SELECT account_id FROM adxm_subscriber_map)
SELECT account_id, adxm_subscriber_name(account_id) AS name FROM ids ORDER BY name, account_id
)sql";

constexpr std::string_view kDatasetOptionsSql = R"sql(
WITH arns AS (
  SELECT DISTINCT access_point_arn FROM adx_for_s3_metrics WHERE access_point_arn IS NOT NULL
  UNION SELECT access_point_arn FROM adxm_dataset_map)
SELECT adxm_dataset_name(access_point_arn) AS dataset, string_agg(access_point_arn, ',' ORDER BY access_point_arn)
FROM arns GROUP BY 1 ORDER BY 1
)sql";

// ---- Errors ----

ApiResponse ErrorResponse(int status, std::string_view message) {
  ApiResponse response;
  response.status = status;
  response.body = json{{"error", message}}.dump();
  return response;
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

/// Option names in messages of the report layer are CLI flags ("--from"); the API calls them
/// parameters ("from").
std::string ApiMessage(std::string message) {
  for (size_t pos = message.find("--"); pos != std::string::npos; pos = message.find("--", pos)) {
    if (pos + 2 < message.size() && message[pos + 2] >= 'a' && message[pos + 2] <= 'z') {
      message.erase(pos, 2);
      std::replace(message.begin() + static_cast<std::ptrdiff_t>(pos),
                   std::find_if(message.begin() + static_cast<std::ptrdiff_t>(pos), message.end(),
                                [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '-'); }),
                   '-', '_');
    } else {
      pos += 2;
    }
  }
  return message;
}

ApiResponse FromStatus(const Status& status) { return ErrorResponse(HttpStatusFor(status), ApiMessage(status.message())); }

// ---- Parameters ----

/// The filters every data endpoint takes.
constexpr std::string_view kCommonParams[] = {"from", "to", "subscriber", "dataset", "exclude_anonymous"};

class Params {
 public:
  explicit Params(const ApiRequest& request) : request_(request) {}

  /// InvalidArgument unless every parameter is a common filter (when `common`) or one of `allowed`,
  /// and given at most once.
  Status CheckAllowed(bool common, const std::vector<std::string_view>& allowed) const {
    std::map<std::string_view, int> seen;
    for (const auto& [name, value] : request_.params) {
      auto in = [&](const auto& names) { return std::find(std::begin(names), std::end(names), name) != std::end(names); };
      if (!(common && in(kCommonParams)) && !in(allowed)) {
        return Status::InvalidArgument("unknown parameter '" + PrintableText(name.substr(0, 64)) + "'");
      }
      if (++seen[name] > 1) return Status::InvalidArgument("parameter '" + std::string(name) + "' given more than once");
    }
    return Status::OK();
  }

  /// The value of `name` (empty when absent), checked: valid UTF-8, no control characters, short.
  Result<std::string> Text(std::string_view name, size_t max_size = 1024) const {
    for (const auto& [key, value] : request_.params) {
      if (key != name) continue;
      if (value.size() > max_size) {
        return Status::InvalidArgument("parameter '" + key + "' is longer than " + std::to_string(max_size) + " bytes");
      }
      if (!simdjson::validate_utf8(value.data(), value.size())) {
        return Status::InvalidArgument("parameter '" + key + "' is not UTF-8");
      }
      for (unsigned char c : value) {
        if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("parameter '" + key + "' holds a control character");
      }
      return value;
    }
    return std::string();
  }

  bool Has(std::string_view name) const {
    return std::any_of(request_.params.begin(), request_.params.end(), [&](const auto& p) { return p.first == name; });
  }

  Result<int64_t> Integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
    ADXM_ASSIGN_OR_RETURN(std::string text, Text(name, 32));
    if (text.empty()) return fallback;
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      return Status::InvalidArgument("parameter '" + std::string(name) + "' must be an integer from " +
                                     std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
  }

  Result<double> Number(std::string_view name, double fallback) const {
    ADXM_ASSIGN_OR_RETURN(std::string text, Text(name, 32));
    if (text.empty()) return fallback;
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      return Status::InvalidArgument("parameter '" + std::string(name) + "' must be a number");
    }
    return value;
  }

  /// "1"/"true" or "0"/"false"; nullopt when absent.
  Result<std::optional<bool>> Flag(std::string_view name) const {
    ADXM_ASSIGN_OR_RETURN(std::string text, Text(name, 8));
    if (text.empty()) return std::optional<bool>();
    if (text == "1" || text == "true") return std::optional<bool>(true);
    if (text == "0" || text == "false") return std::optional<bool>(false);
    return Status::InvalidArgument("parameter '" + std::string(name) + "' must be 1 or 0");
  }

 private:
  const ApiRequest& request_;
};



constexpr int64_t kMaxPeriodDays = 36600;  // A hundred years.
constexpr int64_t kMaxBuckets = 3660;      // Points of a series: ten years of days.

/// InvalidArgument when `params`' period split by `by` has more than kMaxBuckets buckets (a
/// bounded answer: one request must not build a series of millions of points).
Status CheckBuckets(const ReportParams& params) {
  if (params.from.empty() || params.to.empty()) return Status::OK();
  ADXM_ASSIGN_OR_RETURN(int64_t from, ParseDay(params.from, "from"));
  ADXM_ASSIGN_OR_RETURN(int64_t to, ParseDay(params.to, "to"));
  int64_t days = to - from + 1;
  int64_t buckets = params.by == "day" ? days : params.by == "week" ? days / 7 : days / 30;
  if (buckets > kMaxBuckets) {
    return Status::InvalidArgument("the period " + params.from + " to " + params.to + " has more than " +
                                   std::to_string(kMaxBuckets) + " buckets by " + params.by +
                                   "; use a shorter period or a coarser 'by'");
  }
  return Status::OK();
}

/// A query that fails after its parameters were checked is not the request's fault: a limit or an
/// unreadable warehouse (Unavailable, 503) or the server's (500).
Result<QueryTable> Checked(Result<QueryTable> result) {
  if (result.ok() || result.status().code() == StatusCode::kUnavailable) return result;
  return Status::Internal(result.status().message());
}

/// The common filters of every data endpoint. A missing from/to is the snapshot's first/last day
/// with data (as ReportRunner::ResolvePeriod would find, without a query); with no data (or no
/// snapshot at hand), ResolvePeriod's own: the other bound, or today.
Result<ReportParams> CommonParams(const Params& params, const SnapshotInfo& snapshot) {
  ReportParams out;
  ADXM_ASSIGN_OR_RETURN(out.from, params.Text("from", 10));
  ADXM_ASSIGN_OR_RETURN(out.to, params.Text("to", 10));
  if (!snapshot.first_day.empty()) {
    if (out.from.empty()) out.from = out.to.empty() ? snapshot.first_day : std::min(out.to, snapshot.first_day);
    if (out.to.empty()) out.to = std::max(out.from, snapshot.last_day);
  }
  if (!out.from.empty() && !out.to.empty()) {
    ADXM_ASSIGN_OR_RETURN(int64_t from, ParseDay(out.from, "from"));
    ADXM_ASSIGN_OR_RETURN(int64_t to, ParseDay(out.to, "to"));
    if (to - from + 1 > kMaxPeriodDays) {
      return Status::InvalidArgument("the period " + out.from + " to " + out.to + " is longer than " +
                                     std::to_string(kMaxPeriodDays / 366) + " years");
    }
  }
  ADXM_ASSIGN_OR_RETURN(out.subscriber, params.Text("subscriber", 256));
  ADXM_ASSIGN_OR_RETURN(out.dataset, params.Text("dataset", 2048));
  ADXM_ASSIGN_OR_RETURN(std::optional<bool> exclude, params.Flag("exclude_anonymous"));
  out.exclude_anonymous = exclude.value_or(false);
  return out;
}

// ---- Rendering ----

/// A numeric cell as a JSON number (integers exactly); text that is not a number stays a string.
json NumberCell(const std::string& text) {
  int64_t integer = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (error == std::errc() && end == text.data() + text.size()) return integer;
  double real = 0;
  auto [dend, derror] = std::from_chars(text.data(), text.data() + text.size(), real);
  if (derror == std::errc() && dend == text.data() + text.size() && std::isfinite(real)) return real;
  return text;
}

json Rows(const QueryTable& table) {
  json rows = json::array();
  for (const auto& row : table.rows) {
    json out = json::array();
    for (size_t column = 0; column < row.size(); ++column) {
      const Cell& cell = row[column];
      if (!cell) {
        out.push_back(nullptr);
      } else if (table.numeric[column]) {
        out.push_back(NumberCell(*cell));
      } else {
        out.push_back(*cell);
      }
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

json PeriodJson(const Period& period) {
  return {{"from", FormatDay(period.from_day)}, {"to", FormatDay(period.to_day)}};
}

ApiResponse JsonResponse(const json& body) {
  ApiResponse response;
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

ApiResponse CsvResponse(std::string body, std::string filename) {
  ApiResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = std::move(body);
  response.filename = std::move(filename);
  return response;
}

int64_t CellInt(const Cell& cell) {
  if (!cell) return 0;
  int64_t value = 0;
  std::from_chars(cell->data(), cell->data() + cell->size(), value);
  return value;
}

std::vector<std::string> OptionNames(unsigned options) {
  std::vector<std::string> out;
  if (options & kOptionBy) out.push_back("by");
  if (options & kOptionDays) out.push_back("days");
  if (options & kOptionK) out.push_back("k");
  if (options & kOptionWindow) out.push_back("window");
  if (options & kOptionTop) out.push_back("top");
  if (options & kOptionMinFactor) out.push_back("min_factor");
  return out;
}

// ---- Endpoints ----

ApiResponse Catalogue() {
  json out = json::array();
  for (const Report& report : adxm::Reports()) {
    json columns = json::array();
    for (const ReportColumn& column : report.columns) {
      columns.push_back({{"name", column.name}, {"unit", UnitId(column.unit)}, {"description", column.description}});
    }
    out.push_back({{"name", report.name},
                   {"title", report.title},
                   {"description", report.description},
                   {"options", OptionNames(report.options)},
                   {"columns", std::move(columns)}});
  }
  return JsonResponse(out);
}

Result<ApiResponse> RunReport(ReportRunner* runner, const Report& report, const Params& params, const SnapshotInfo& snapshot) {
  std::vector<std::string> options_taken = OptionNames(report.options);
  std::vector<std::string_view> allowed(options_taken.begin(), options_taken.end());
  allowed.push_back("format");
  ADXM_RETURN_IF_ERROR(params.CheckAllowed(/*common=*/true, allowed));
  ADXM_ASSIGN_OR_RETURN(ReportParams options, CommonParams(params, snapshot));
  ADXM_ASSIGN_OR_RETURN(std::string by, params.Text("by", 8));
  if (!by.empty()) options.by = by;
  if (report.options & kOptionBy) ADXM_RETURN_IF_ERROR(CheckBuckets(options));
  ADXM_ASSIGN_OR_RETURN(options.days, params.Integer("days", options.days, 1, 36600));
  ADXM_ASSIGN_OR_RETURN(options.window, params.Integer("window", options.window, 2, 366));
  ADXM_ASSIGN_OR_RETURN(options.top, params.Integer("top", options.top, 1, 100000));
  ADXM_ASSIGN_OR_RETURN(options.k, params.Number("k", options.k));
  ADXM_ASSIGN_OR_RETURN(options.min_factor, params.Number("min_factor", options.min_factor));
  ADXM_ASSIGN_OR_RETURN(std::string format, params.Text("format", 8));
  if (!format.empty() && format != "json" && format != "csv") {
    return Status::InvalidArgument("parameter 'format' must be json or csv");
  }
  ADXM_ASSIGN_OR_RETURN(ReportResult result, runner->Run(report, options));
  if (format == "csv") {
    return CsvResponse(FormatTable(result.table, OutputFormat::kCsv), std::string(report.name) + ".csv");
  }
  json columns = json::array();
  for (const ReportColumn& column : report.columns) {
    columns.push_back({{"name", column.name}, {"unit", UnitId(column.unit)}});
  }
  return JsonResponse({{"report", report.name},
                       {"title", report.title},
                       {"period", PeriodJson(result.period)},
                       {"columns", std::move(columns)},
                       {"rows", Rows(result.table)}});
}

Result<ApiResponse> Kpis(ReportRunner* runner, const Params& params, const SnapshotInfo& snapshot) {
  ADXM_RETURN_IF_ERROR(params.CheckAllowed(/*common=*/true, {}));
  ADXM_ASSIGN_OR_RETURN(ReportParams options, CommonParams(params, snapshot));
  ADXM_ASSIGN_OR_RETURN(Period period, runner->ResolvePeriod(options));
  ADXM_ASSIGN_OR_RETURN(QueryTable table, Checked(runner->RunSql(kKpiSql, options, period)));
  const auto& row = table.rows.at(0);
  const char* kNames[] = {"requests", "downloads", "bytes_out", "active_subscribers"};
  json tiles = json::object();
  for (int i = 0; i < 4; ++i) {
    int64_t value = CellInt(row[i]), previous = CellInt(row[i + 4]);
    json change = nullptr;
    if (previous > 0) {
      change = std::round(1000.0 * static_cast<double>(value - previous) / static_cast<double>(previous)) / 10.0;
    }
    tiles[kNames[i]] = {{"value", value}, {"previous", previous}, {"change_pct", change}};
  }
  int64_t length = period.to_day - period.from_day + 1;
  return JsonResponse({{"period", PeriodJson(period)},
                       {"previous", PeriodJson({period.from_day - length, period.from_day - 1})},
                       {"tiles", std::move(tiles)}});
}

/// The first day of every `by` bucket of `period`.
std::vector<std::string> Buckets(const Period& period, const std::string& by) {
  std::vector<std::string> out;
  if (by == "day") {
    for (int64_t day = period.from_day; day <= period.to_day; ++day) out.push_back(FormatDay(day));
  } else if (by == "week") {
    // 1970-01-01 was a Thursday; weeks start on Monday, as DuckDB's date_trunc('week').
    for (int64_t day = period.from_day - (period.from_day + 3) % 7; day <= period.to_day; day += 7) {
      out.push_back(FormatDay(day));
    }
  } else {
    CivilDate date = CivilFromDays(period.from_day);
    for (int64_t day = DaysFromCivil(date.year, date.month, 1); day <= period.to_day;) {
      out.push_back(FormatDay(day));
      CivilDate current = CivilFromDays(day);
      day = current.month == 12 ? DaysFromCivil(current.year + 1, 1, 1)
                                : DaysFromCivil(current.year, current.month + 1, 1);
    }
  }
  return out;
}

Result<ApiResponse> Timeseries(ReportRunner* runner, const Params& params, const SnapshotInfo& snapshot) {
  ADXM_RETURN_IF_ERROR(params.CheckAllowed(/*common=*/true, {"by", "metric", "top"}));
  ADXM_ASSIGN_OR_RETURN(ReportParams options, CommonParams(params, snapshot));
  ADXM_ASSIGN_OR_RETURN(std::string by, params.Text("by", 8));
  options.by = by.empty() ? "day" : by;
  ADXM_ASSIGN_OR_RETURN(std::string metric, params.Text("metric", 16));
  if (metric.empty()) metric = "requests";
  if (metric != "requests" && metric != "downloads" && metric != "bytes_out") {
    return Status::InvalidArgument("parameter 'metric' must be requests, downloads or bytes_out");
  }
  ADXM_ASSIGN_OR_RETURN(int64_t top, params.Integer("top", 8, 1, 50));
  if (options.by != "day" && options.by != "week" && options.by != "month") {
    return Status::InvalidArgument("parameter 'by' must be day, week or month");
  }
  ADXM_RETURN_IF_ERROR(CheckBuckets(options));
  ADXM_ASSIGN_OR_RETURN(Period period, runner->ResolvePeriod(options));
  ADXM_ASSIGN_OR_RETURN(QueryTable table, Checked(runner->RunSql(kTimeseriesSql, options, period)));
  size_t value_column = metric == "requests" ? 3 : metric == "downloads" ? 4 : 5;

  std::vector<std::string> buckets = Buckets(period, options.by);
  std::map<std::string, size_t> bucket_index;
  for (size_t i = 0; i < buckets.size(); ++i) bucket_index[buckets[i]] = i;
  struct Series {
    std::string name;
    int64_t total = 0;
    std::vector<int64_t> values;
  };
  std::map<std::string, Series> by_account;
  for (const auto& row : table.rows) {
    auto bucket = bucket_index.find(row[0].value_or(""));
    if (bucket == bucket_index.end()) return Status::Internal("timeseries: a bucket outside the period");
    Series& series = by_account[row[1].value_or("")];
    if (series.values.empty()) {
      series.values.assign(buckets.size(), 0);
      series.name = row[2].value_or("");
    }
    int64_t value = CellInt(row[value_column]);
    series.values[bucket->second] += value;
    series.total += value;
  }
  std::vector<std::pair<std::string, Series*>> ranked;
  for (auto& [account, series] : by_account) ranked.emplace_back(account, &series);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second->total != b.second->total ? a.second->total > b.second->total : a.first < b.first;
  });
  json series = json::array();
  std::vector<int64_t> other(buckets.size(), 0);
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (i < static_cast<size_t>(top)) {
      series.push_back({{"account_id", ranked[i].first},
                        {"subscriber", ranked[i].second->name},
                        {"values", ranked[i].second->values}});
    } else {
      for (size_t b = 0; b < buckets.size(); ++b) other[b] += ranked[i].second->values[b];
    }
  }
  if (ranked.size() > static_cast<size_t>(top)) {
    series.push_back({{"account_id", nullptr}, {"subscriber", "Other"}, {"values", other}});
  }
  return JsonResponse({{"by", options.by},
                       {"metric", metric},
                       {"period", PeriodJson(period)},
                       {"buckets", buckets},
                       {"series", std::move(series)}});
}

Result<ApiResponse> Events(ReportRunner* runner, const Params& params, const SnapshotInfo& snapshot, size_t csv_max_rows) {
  ADXM_RETURN_IF_ERROR(params.CheckAllowed(
      /*common=*/true, {"event_name", "error_code", "ok", "download", "object_key", "prefix", "client",
                        "access_point_arn", "day", "page", "page_size", "format"}));
  ADXM_ASSIGN_OR_RETURN(ReportParams options, CommonParams(params, snapshot));
  ADXM_ASSIGN_OR_RETURN(Period period, runner->ResolvePeriod(options));
  std::string where;
  // The rollup holds day, subscriber, access point, eventName and success: it can count the events
  // of filters on those alone, and say which days hold a page.
  bool rollup_covers = runner->has_rollup();
  auto add_filter = [&](std::string_view name, ReportParams::Value value) {
    for (const auto& [filter, clause] : kEventFilters) {
      if (filter != name) continue;
      where += (where.empty() ? "WHERE " : " AND ") + std::string(clause);
      options.extra.emplace_back(std::string(name), std::move(value));
      if (name == "error_code" || name == "object_key" || name == "prefix" || name == "client") rollup_covers = false;
    }
  };
  for (const char* name : {"event_name", "error_code", "object_key", "prefix", "client", "access_point_arn"}) {
    ADXM_ASSIGN_OR_RETURN(std::string value, params.Text(name, 2048));
    // An empty prefix is a filter (keys without a folder); other empty values mean "no filter".
    if (std::string_view(name) == "prefix" ? params.Has(name) : !value.empty()) add_filter(name, value);
  }
  for (const char* name : {"ok", "download"}) {
    ADXM_ASSIGN_OR_RETURN(std::optional<bool> flag, params.Flag(name));
    if (flag) add_filter(name, *flag);
  }
  ADXM_ASSIGN_OR_RETURN(std::string day, params.Text("day", 10));
  if (!day.empty()) {
    ADXM_RETURN_IF_ERROR(ParseDay(day, "day").status());
    add_filter("day", day);
  }
  ADXM_ASSIGN_OR_RETURN(std::string format, params.Text("format", 8));
  if (!format.empty() && format != "json" && format != "csv") {
    return Status::InvalidArgument("parameter 'format' must be json or csv");
  }
  ADXM_ASSIGN_OR_RETURN(int64_t page, params.Integer("page", 1, 1, 100000000));
  ADXM_ASSIGN_OR_RETURN(int64_t page_size, params.Integer("page_size", 50, 1, 1000));
  std::string select(kEventsPage);
  select.replace(select.find("{FROM}"), 6, kEventsFrom);
  select.replace(select.find("{WHERE}"), 7, where);
  if (format == "csv") {
    options.extra.emplace_back("limit", static_cast<int64_t>(csv_max_rows) + 1);
    options.extra.emplace_back("offset", int64_t{0});
    ADXM_ASSIGN_OR_RETURN(QueryTable table, Checked(runner->RunSql(select, options, period)));
    if (table.rows.size() > csv_max_rows) {
      return Status::InvalidArgument("more than " + std::to_string(csv_max_rows) +
                                     " events match; narrow the filters (or use `adxmetrics query`)");
    }
    return CsvResponse(FormatTable(table, OutputFormat::kCsv), "events.csv");
  }
  int64_t offset = (page - 1) * page_size, total = 0, bytes_out = 0;
  QueryTable table;
  if (rollup_covers) {
    // Events per day from the rollup, newest first: the total, and the days that hold the page.
    ADXM_ASSIGN_OR_RETURN(QueryTable days, Checked(runner->RunSql(
                                               "SELECT strftime(day, '%Y-%m-%d'), sum(requests), sum(bytes_out) "
                                               "FROM adxm_daily_usage($from, $to, $subscriber, $access_points, "
                                               "$exclude_anonymous) " + where + " GROUP BY day ORDER BY day DESC",
                                               options, period)));
    std::string newest, oldest;
    int64_t before = 0;  // Events on days newer than the page's first day.
    for (const auto& row : days.rows) {
      int64_t count = CellInt(row[1]);
      if (total + count > offset && newest.empty()) {
        newest = *row[0];
        before = total;
      }
      if (total < offset + page_size && total + count > offset) oldest = *row[0];
      total += count;
      bytes_out += CellInt(row[2]);
    }
    if (!newest.empty()) {
      std::string windowed(kEventsPage);
      windowed.replace(windowed.find("{FROM}"), 6, kEventsFrom);
      windowed.replace(windowed.find("{WHERE}"), 7,
                       where + (where.empty() ? "WHERE " : " AND ") +
                           "day BETWEEN CAST($page_oldest AS DATE) AND CAST($page_newest AS DATE)");
      options.extra.emplace_back("page_oldest", oldest);
      options.extra.emplace_back("page_newest", newest);
      options.extra.emplace_back("limit", page_size);
      options.extra.emplace_back("offset", offset - before);
      ADXM_ASSIGN_OR_RETURN(table, Checked(runner->RunSql(windowed, options, period)));
    } else {
      table.rows.clear();  // Past the last page.
    }
  } else {
    ADXM_ASSIGN_OR_RETURN(QueryTable count, Checked(runner->RunSql("SELECT count(*), coalesce(sum(bytes_out), 0) " +
                                                                     std::string(kEventsFrom) + " " + where,
                                                                 options, period)));
    total = CellInt(count.rows.at(0).at(0));
    bytes_out = CellInt(count.rows.at(0).at(1));
    options.extra.emplace_back("limit", page_size);
    options.extra.emplace_back("offset", offset);
    ADXM_ASSIGN_OR_RETURN(table, Checked(runner->RunSql(select, options, period)));
  }
  json columns = json::array();
  for (const auto& [name, unit] : kEventColumns) columns.push_back({{"name", name}, {"unit", unit}});
  return JsonResponse({{"total", total},
                       {"bytes_out", bytes_out},
                       {"page", page},
                       {"page_size", page_size},
                       {"period", PeriodJson(period)},
                       {"columns", std::move(columns)},
                       {"rows", Rows(table)}});
}

Result<ApiResponse> Options(ReportRunner* runner, const Params& params) {
  ADXM_RETURN_IF_ERROR(params.CheckAllowed(/*common=*/false, {}));
  ADXM_ASSIGN_OR_RETURN(QueryTable subscribers, Checked(runner->engine()->Run(kSubscriberOptionsSql)));
  ADXM_ASSIGN_OR_RETURN(QueryTable datasets, Checked(runner->engine()->Run(kDatasetOptionsSql)));
  json out = {{"subscribers", json::array()}, {"datasets", json::array()}};
  for (const auto& row : subscribers.rows) {
    out["subscribers"].push_back({{"account_id", row[0].value_or("")}, {"name", row[1].value_or("")}});
  }
  for (const auto& row : datasets.rows) {
    json arns = json::array();
    std::string list = row[1].value_or("");
    for (size_t start = 0; start < list.size();) {
      size_t end = std::min(list.find(',', start), list.size());
      arns.push_back(list.substr(start, end - start));
      start = end + 1;
    }
    out["datasets"].push_back({{"dataset", row[0].value_or("")}, {"access_points", std::move(arns)}});
  }
  return JsonResponse(out);
}

Result<ApiResponse> Sql(ReportRunner* runner, const Params& params, size_t max_rows) {
  ADXM_RETURN_IF_ERROR(params.CheckAllowed(/*common=*/false, {"q"}));
  ADXM_ASSIGN_OR_RETURN(std::string sql, params.Text("q", 100000));
  if (sql.empty()) return Status::InvalidArgument("parameter 'q' (the SQL) is required");
  ADXM_ASSIGN_OR_RETURN(QueryTable table, runner->engine()->Run(sql, max_rows));
  bool truncated = table.rows.size() > max_rows;
  if (truncated) table.rows.resize(max_rows);
  json columns = json::array();
  for (size_t i = 0; i < table.column_names.size(); ++i) {
    columns.push_back({{"name", table.column_names[i]}, {"unit", table.numeric[i] ? "count" : "text"}});
  }
  return JsonResponse({{"columns", std::move(columns)}, {"rows", Rows(table)}, {"truncated", truncated}});
}

json RunJson(const IngestRun& run) {
  json rejected = json::array();
  for (const RejectedObject& object : run.report.rejected) {
    rejected.push_back({{"key", object.key}, {"reason", object.reason}, {"quarantined", object.quarantined}});
  }
  return {{"started_at", run.started_at},
          {"finished_at", run.finished_at},
          {"ok", run.ok},
          {"error", run.ok ? json(nullptr) : json(run.error)},
          {"objects_listed", run.report.objects_listed},
          {"objects_ingested", run.report.objects_ingested},
          {"objects_quarantined", run.report.objects_quarantined},
          {"events_qualifying", run.report.events_qualifying},
          {"rows_written", run.report.rows_written},
          {"duplicates_dropped", run.report.duplicates_dropped},
          {"malformed_records", run.report.rejected_records.size()},
          {"rejected", std::move(rejected)}};
}

}  // namespace

ApiResponse Api::Status_() {
  SnapshotInfo info = pool_->info();
  json schedule = nullptr, last = nullptr;
  if (scheduler_ != nullptr) {
    IngestScheduler::State state = scheduler_->state();
    const ScheduleOptions& options = scheduler_->options();
    std::string daily_at;
    if (options.daily_at_minute) {
      daily_at = fmt::format("{:02}:{:02}", *options.daily_at_minute / 60, *options.daily_at_minute % 60);
    }
    schedule = {{"source", options.source},
                {"daily_at", daily_at.empty() ? json(nullptr) : json(daily_at)},
                {"every_seconds", options.every_seconds},
                {"next_run", state.next_run.empty() ? json(nullptr) : json(state.next_run)},
                {"running", state.running}};
    if (state.last) last = RunJson(*state.last);
  }
  auto or_null = [](const std::string& text) { return text.empty() ? json(nullptr) : json(text); };
  return JsonResponse({{"txn", info.txn},
                       {"generation", info.generation},
                       {"files", info.files},
                       {"first_day", or_null(info.first_day)},
                       {"last_day", or_null(info.last_day)},
                       {"data_through", or_null(info.data_through)},
                       {"refreshed_at", or_null(info.refreshed_at)},
                       {"refresh_error", or_null(info.refresh_error)},
                       {"auth", options_.auth},
                       {"allow_sql", options_.allow_sql},
                       {"schedule", std::move(schedule)},
                       {"last_ingest", std::move(last)}});
}

bool Api::CacheLookup(const std::string& key, ApiResponse* response) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  auto found = cache_.find(key);
  if (found == cache_.end()) return false;
  cache_lru_.splice(cache_lru_.begin(), cache_lru_, found->second);
  *response = found->second->second;
  return true;
}

void Api::CacheStore(const std::string& key, const ApiResponse& response) {
  if (response.body.size() > options_.cache_bytes / 8) return;
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.count(key) != 0) return;
  cache_lru_.emplace_front(key, response);
  cache_[key] = cache_lru_.begin();
  cache_size_ += key.size() + response.body.size();
  while (cache_size_ > options_.cache_bytes && !cache_lru_.empty()) {
    auto& oldest = cache_lru_.back();
    cache_size_ -= oldest.first.size() + oldest.second.body.size();
    cache_.erase(oldest.first);
    cache_lru_.pop_back();
  }
}

ApiResponse Api::Handle(const ApiRequest& request) {
  if (request.path == "/api/status") {
    if (request.method != "GET") return ErrorResponse(405, "use GET");
    if (!request.params.empty()) return ErrorResponse(400, "/api/status takes no parameters");
    return Status_();
  }
  if (request.path == "/api/reports") {
    if (request.method != "GET") return ErrorResponse(405, "use GET");
    if (!request.params.empty()) return ErrorResponse(400, "/api/reports takes no parameters");
    return Catalogue();
  }
  if (request.method != "GET") return ErrorResponse(405, "use GET");
  if (request.path == "/api/sql" && !options_.allow_sql) return ErrorResponse(404, "no such endpoint: /api/sql");

  // Answers are a function of the snapshot and the request: cache by generation.
  uint64_t generation = pool_->info().generation;
  std::string key = std::to_string(generation) + "\n" + request.path;
  {
    auto params = request.params;
    std::sort(params.begin(), params.end());
    // Length-prefixed: no value can forge another parameter's boundary.
    for (const auto& [name, value] : params) {
      key += "\n" + std::to_string(name.size()) + ":" + name + std::to_string(value.size()) + ":" + value;
    }
  }
  bool cacheable = request.path != "/api/sql";
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (generation > cache_generation_) {
      cache_.clear();
      cache_lru_.clear();
      cache_size_ = 0;
      cache_generation_ = generation;
    } else if (generation < cache_generation_) {
      cacheable = false;  // Read the generation just before a switch: answer, but do not cache.
    }
  }
  ApiResponse response;
  if (cacheable && CacheLookup(key, &response)) return response;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return ErrorResponse(503, "the warehouse cannot be read: " + lease.status().message());
  response = Dispatch(request, &*lease);
  SnapshotInfo now = pool_->info();
  if (response.status == 200 && cacheable && lease->generation() == generation &&
      now.generation == generation && (*lease)->engine()->txn() == now.txn) {
    CacheStore(key, response);
  }
  return response;
}

ApiResponse Api::Dispatch(const ApiRequest& request, RunnerPool::Lease* lease) {
  Params params(request);
  ReportRunner* runner = lease->get();
  SnapshotInfo snapshot = pool_->info();
  if (runner->engine()->txn() != snapshot.txn) snapshot = SnapshotInfo{};  // Opened on another commit.
  Result<ApiResponse> result = Status::NotFound("no such endpoint: " + request.path);
  if (request.path == "/api/kpis") {
    result = Kpis(runner, params, snapshot);
  } else if (request.path == "/api/timeseries") {
    result = Timeseries(runner, params, snapshot);
  } else if (request.path == "/api/events") {
    result = Events(runner, params, snapshot, options_.csv_max_rows);
  } else if (request.path == "/api/options") {
    result = Options(runner, params);
  } else if (request.path == "/api/sql") {
    result = Sql(runner, params, options_.sql_max_rows);
  } else if (request.path.starts_with("/api/report/")) {
    std::string name = request.path.substr(12);
    const Report* report = FindReport(name);
    if (report == nullptr) return ErrorResponse(404, "no such report (GET /api/reports lists them)");
    result = RunReport(runner, *report, params, snapshot);
  }
  if (!result.ok()) return FromStatus(result.status());
  return std::move(*result);
}

}  // namespace adxm

#include "report/statement.h"

#include <array>

namespace adxm {
namespace {

/// One section of a statement: a SELECT over the subscriber's rows only.
struct StatementSection {
  std::string_view heading;
  std::string_view description;
  std::string_view sql;
  std::span<const ReportColumn> columns;
  ChartSpec chart;
};

constexpr ReportColumn kColumns[] = {
    {"requests", Unit::kCount, "All requests"},
    {"successful_requests", Unit::kCount, "Requests without an error"},
    {"failed_requests", Unit::kCount, "Requests with an error code"},
    {"downloads", Unit::kCount, "Successful GetObject requests"},
    {"bytes_out", Unit::kBytes, "Bytes sent by successful requests"},
    {"distinct_objects", Unit::kCount, "Distinct objects downloaded"},
    {"active_days", Unit::kCount, "Days with at least one request"},
    {"day", Unit::kDate, "UTC day"},
    {"first_seen", Unit::kTime, "First occurrence (UTC)"},
    {"last_seen", Unit::kTime, "Last occurrence (UTC)"},
};

constexpr std::array<StatementSection, 5> kSections = {{
    {"Totals",
     "All requests made with your account through our AWS Data Exchange access points.",
     R"sql(SELECT count(*) AS requests, count(*) FILTER (WHERE ok) AS successful_requests,
       count(*) FILTER (WHERE NOT ok) AS failed_requests, count(*) FILTER (WHERE download) AS downloads,
       coalesce(sum(bytes_out), 0) AS bytes_out,
       count(DISTINCT object_key) FILTER (WHERE download) AS distinct_objects, count(DISTINCT day) AS active_days
FROM adxm_usage($from, $to, $subscriber, $access_points, false))sql",
     kColumns,
     {}},
    {"Usage per data set",
     "Bytes count successful requests only.",
     R"sql(WITH per AS (
  SELECT adxm_dataset_name(access_point_arn) AS dataset, count(*) AS requests,
         count(*) FILTER (WHERE download) AS downloads, sum(bytes_out) AS bytes_out,
         count(*) FILTER (WHERE NOT ok) AS failed_requests
  FROM adxm_usage($from, $to, $subscriber, $access_points, false) GROUP BY access_point_arn)
SELECT dataset, sum(requests) AS requests, sum(downloads) AS downloads, sum(bytes_out) AS bytes_out,
       sum(failed_requests) AS failed_requests
FROM per GROUP BY dataset ORDER BY bytes_out DESC, dataset)sql",
     kColumns,
     {"dataset", "bytes_out", "", false}},
    {"Usage per day",
     "",
     R"sql(SELECT day, count(*) AS requests, count(*) FILTER (WHERE download) AS downloads, sum(bytes_out) AS bytes_out,
       count(*) FILTER (WHERE NOT ok) AS failed_requests
FROM adxm_usage($from, $to, $subscriber, $access_points, false) GROUP BY day ORDER BY day)sql",
     kColumns,
     {"day", "bytes_out", "", true}},
    {"Top objects",
     "The objects you downloaded most (up to 20).",
     R"sql(WITH per AS (
  SELECT access_point_arn, object_key, count(*) AS downloads, sum(bytes_out) AS bytes_out
  FROM adxm_usage($from, $to, $subscriber, $access_points, false) WHERE download GROUP BY ALL)
SELECT adxm_dataset_name(access_point_arn) AS dataset, object_key, downloads, bytes_out
FROM per ORDER BY downloads DESC, bytes_out DESC, dataset, object_key LIMIT 20)sql",
     kColumns,
     {}},
    {"Failed requests",
     "Requests that were refused or failed, by data set and error code.",
     R"sql(WITH per AS (
  SELECT adxm_dataset_name(access_point_arn) AS dataset, error_code, count(*) AS failed_requests,
         min(event_time) AS first_seen, max(event_time) AS last_seen
  FROM adxm_usage($from, $to, $subscriber, $access_points, false) WHERE NOT ok GROUP BY access_point_arn, error_code)
SELECT dataset, error_code, sum(failed_requests) AS failed_requests, min(first_seen) AS first_seen,
       max(last_seen) AS last_seen
FROM per GROUP BY dataset, error_code ORDER BY failed_requests DESC, dataset, error_code)sql",
     kColumns,
     {}},
}};

/// The subscriber's display name: from the mapping, else the account id.
Result<std::string> SubscriberName(ReportRunner* runner, const ReportParams& params, const Period& period) {
  ADXM_ASSIGN_OR_RETURN(QueryTable table,
                        runner->RunSql("SELECT coalesce((SELECT name FROM adxm_subscriber_map WHERE account_id = "
                                       "$subscriber), $subscriber) AS name",
                                       params, period));
  return table.rows.at(0).at(0).value_or(params.subscriber);
}

}  // namespace

std::string DescribePeriod(const Period& period, const ReportParams& params) {
  std::string text = FormatDay(period.from_day) + " to " + FormatDay(period.to_day) + " (UTC)";
  if (!params.subscriber.empty()) text += " · subscriber " + params.subscriber;
  if (!params.dataset.empty()) text += " · data set " + params.dataset;
  if (params.exclude_anonymous) text += " · without anonymous requests";
  return text;
}

Document ReportDocument(const ReportResult& result, const ReportParams& params) {
  Document document;
  document.title = std::string(result.report->title);
  document.subtitle = DescribePeriod(result.period, params);
  document.sections.push_back({std::string(result.report->title), std::string(result.report->description),
                               result.report->columns, result.report->chart, result.table});
  return document;
}

Result<Document> BuildStatement(ReportRunner* runner, const ReportParams& params, const std::string& provider) {
  // Invariant: every section's SQL filters adxm_usage() on $subscriber, bound to this one account.
  if (!IsAccountId(params.subscriber)) {
    return Status::InvalidArgument("--subscriber '" + params.subscriber + "' is not an account id");
  }
  ADXM_ASSIGN_OR_RETURN(Period period, runner->ResolvePeriod(params));
  ADXM_ASSIGN_OR_RETURN(std::string name, SubscriberName(runner, params, period));
  Document document;
  document.title = "Usage statement: " + name + (name == params.subscriber ? "" : " (" + params.subscriber + ")");
  document.subtitle = FormatDay(period.from_day) + " to " + FormatDay(period.to_day) + " (UTC)" +
                      (provider.empty() ? "" : " · from " + provider) +
                      (params.dataset.empty() ? "" : " · data set " + params.dataset);
  for (const StatementSection& section : kSections) {
    ADXM_ASSIGN_OR_RETURN(QueryTable table, runner->RunSql(section.sql, params, period));
    document.sections.push_back({std::string(section.heading), std::string(section.description), section.columns,
                                 section.chart, std::move(table)});
  }
  return document;
}

}  // namespace adxm

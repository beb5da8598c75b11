// The report catalogue: every report's SQL, options and columns. Conventions shared by all:
// - Rows come from adxm_usage(), so the period, --subscriber, --dataset and --exclude-anonymous
//   filter every report the same way. Names come from the mapping files through
//   adxm_subscriber_name() and adxm_dataset_name(), applied after aggregation (a join per row
//   would cost more than the rest of a report).
// - `requests` counts every request; `failed_requests` those with an errorCode. Downloads (successful
//   GetObject) and bytes_out (bytes sent by successful requests) never include a failed request.
// - Unsigned requests are one subscriber, account id 'anonymous'.
// - Ties are broken by ids so that the output is deterministic.
#include <array>
#include <string>
#include <utility>

#include "report/report.h"

namespace adxm {

const std::string_view kRollupSetupSql = R"sql(
CREATE TEMP TABLE adxm_daily AS
SELECT day, account_id, access_point_arn, event_name, ok, count(*) AS requests,
       count(*) FILTER (WHERE download) AS downloads, sum(bytes_out) AS bytes_out
FROM adxm_usage(DATE '1970-01-01', DATE '9999-12-31', NULL, NULL, false) GROUP BY ALL;

CREATE MACRO adxm_daily_usage(from_day, to_day, only_subscriber, only_access_points, exclude_anonymous) AS TABLE
SELECT * FROM adxm_daily
WHERE day BETWEEN from_day AND to_day
  AND (only_subscriber IS NULL OR account_id = only_subscriber)
  AND (only_access_points IS NULL OR list_contains(string_split(only_access_points, ','), access_point_arn))
  AND NOT (exclude_anonymous AND account_id = 'anonymous');
)sql";

const std::string_view kSetupSql = R"sql(
CREATE MACRO adxm_usage(from_day, to_day, only_subscriber, only_access_points, exclude_anonymous) AS TABLE
SELECT e.eventTime AS event_time,
       make_date(CAST(e.year AS INTEGER), CAST(e.month AS INTEGER), CAST(e.day AS INTEGER)) AS day,
       e.eventName AS event_name,
       e.subscriber_account_id AS account_id,
       e.access_point_arn,
       e.object_key,
       e.error_code,
       e.error_code IS NULL AS ok,
       CASE WHEN e.error_code IS NULL THEN coalesce(e.bytes_accessed, 0) ELSE 0 END AS bytes_out,
       e.error_code IS NULL AND e.eventName = 'GetObject' AS download,
       e.subscriber_user_agent AS user_agent,
       e.vpc_endpoint_id,
       e.x_amz_request_payer,
       e.eventID AS event_id,
       e.subscriber_ip_address AS source_ip
FROM adx_for_s3_metrics e
WHERE e.year || '-' || e.month || '-' || e.day
        BETWEEN strftime(from_day, '%Y-%m-%d') AND strftime(to_day, '%Y-%m-%d')
  AND (only_subscriber IS NULL OR e.subscriber_account_id = only_subscriber)
  AND (only_access_points IS NULL OR list_contains(string_split(only_access_points, ','), e.access_point_arn))
  AND NOT (exclude_anonymous AND e.subscriber_account_id = 'anonymous');

CREATE MACRO adxm_subscriber_name(id) AS
  coalesce((SELECT m.name FROM adxm_subscriber_map m WHERE m.account_id = id), id);

CREATE MACRO adxm_dataset_name(arn) AS
  coalesce((SELECT m.dataset FROM adxm_dataset_map m WHERE m.access_point_arn = arn), arn);

CREATE MACRO adxm_client(ua) AS CASE
  WHEN ua IS NULL OR ua = '' THEN 'Unknown'
  WHEN ua ILIKE '%athena%' THEN 'Athena'
  WHEN ua ILIKE '%sagemaker%' THEN 'SageMaker'
  WHEN ua ILIKE '%hadoop%' OR ua ILIKE '%emrfs%' OR ua ILIKE '%spark%' THEN 'EMR / Spark'
  WHEN ua ILIKE '%s3console%' THEN 'S3 console'
  WHEN ua ILIKE '%aws-cli/%' THEN 'AWS CLI'
  WHEN ua ILIKE '%boto3/%' OR ua ILIKE '%botocore/%' THEN 'Python SDK (boto3)'
  WHEN ua ILIKE '%aws-sdk-java%' THEN 'Java SDK'
  WHEN ua ILIKE '%aws-sdk-go%' THEN 'Go SDK'
  WHEN ua ILIKE '%aws-sdk-js%' OR ua ILIKE '%aws-sdk-nodejs%' THEN 'JavaScript SDK'
  WHEN ua ILIKE '%aws-sdk-dotnet%' THEN '.NET SDK'
  WHEN ua ILIKE '%aws-sdk-cpp%' OR ua ILIKE '%aws-sdk-rust%' OR ua ILIKE '%aws-sdk-php%'
       OR ua ILIKE '%aws-sdk-ruby%' THEN 'Other AWS SDK'
  WHEN ua ILIKE 'mozilla/%' THEN 'Browser'
  ELSE 'Other'
END;
)sql";

namespace {

// ---- summary ----
constexpr std::string_view kSummarySql = R"sql(
WITH step AS (SELECT CASE $by WHEN 'day' THEN INTERVAL 1 DAY WHEN 'week' THEN INTERVAL 7 DAY
                              ELSE INTERVAL 1 MONTH END AS step),
active AS (  -- every bucket each subscriber was active in, since the beginning (for cohorts)
  SELECT DISTINCT CAST(date_trunc($by, day) AS DATE) AS bucket, account_id
  FROM adxm_usage(DATE '1970-01-01', $to, $subscriber, $access_points, $exclude_anonymous)),
first AS (SELECT account_id, min(bucket) AS first_bucket FROM active GROUP BY account_id),
cohorts AS (
  SELECT a.bucket, count(*) FILTER (WHERE f.first_bucket = a.bucket) AS new_subscribers,
         count(*) FILTER (WHERE f.first_bucket < a.bucket) AS returning_subscribers
  FROM active a JOIN first f USING (account_id) GROUP BY a.bucket),
churned AS (  -- active in the bucket before, not in this one
  SELECT CAST(a.bucket + step.step AS DATE) AS bucket, count(*) AS churned_subscribers
  FROM active a, step
  WHERE NOT EXISTS (SELECT 1 FROM active b
                    WHERE b.account_id = a.account_id AND b.bucket = CAST(a.bucket + step.step AS DATE))
  GROUP BY 1),
per_account AS (
  SELECT day, account_id, count(*) AS requests, count(*) FILTER (WHERE NOT ok) AS failed_requests,
         count(*) FILTER (WHERE download) AS downloads, sum(bytes_out) AS bytes_out
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY ALL),
totals AS (
  SELECT CAST(date_trunc($by, day) AS DATE) AS bucket, sum(requests) AS requests,
         sum(failed_requests) AS failed_requests, sum(downloads) AS downloads, sum(bytes_out) AS bytes_out,
         count(DISTINCT account_id) AS active_subscribers
  FROM per_account GROUP BY 1),
buckets AS (
  SELECT CAST(b AS DATE) AS bucket
  FROM step, unnest(generate_series(CAST(date_trunc($by, $from) AS TIMESTAMP), CAST($to AS TIMESTAMP), step.step)) t(b))
SELECT b.bucket AS period, coalesce(t.requests, 0) AS requests, coalesce(t.failed_requests, 0) AS failed_requests,
       coalesce(t.downloads, 0) AS downloads, coalesce(t.bytes_out, 0) AS bytes_out,
       coalesce(t.active_subscribers, 0) AS active_subscribers, coalesce(c.new_subscribers, 0) AS new_subscribers,
       coalesce(c.returning_subscribers, 0) AS returning_subscribers,
       coalesce(ch.churned_subscribers, 0) AS churned_subscribers
FROM buckets b LEFT JOIN totals t USING (bucket) LEFT JOIN cohorts c USING (bucket)
LEFT JOIN churned ch USING (bucket)
ORDER BY period
)sql";

constexpr ReportColumn kSummaryColumns[] = {
    {"period", Unit::kDate, "First day of the month, week (Monday) or day"},
    {"requests", Unit::kCount, "All requests, successful and failed"},
    {"failed_requests", Unit::kCount, "Requests with an error code"},
    {"downloads", Unit::kCount, "Successful GetObject requests"},
    {"bytes_out", Unit::kBytes, "Bytes sent by successful requests"},
    {"active_subscribers", Unit::kCount, "Subscribers with at least one request"},
    {"new_subscribers", Unit::kCount, "Active for the first time ever in this period"},
    {"returning_subscribers", Unit::kCount, "Active now and seen in an earlier period"},
    {"churned_subscribers", Unit::kCount, "Active in the previous period, not in this one"},
};

// ---- subscribers ----
constexpr std::string_view kSubscribersSql = R"sql(
WITH per_day AS (
  SELECT account_id, day, count(*) AS requests, count(*) FILTER (WHERE NOT ok) AS failed_requests,
         count(*) FILTER (WHERE download) AS downloads, sum(bytes_out) AS bytes_out,
         min(event_time) AS first_seen, max(event_time) AS last_seen
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY ALL),
objects AS (
  SELECT account_id, count(DISTINCT object_key) AS distinct_objects
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) WHERE download GROUP BY account_id),
cur AS (
  SELECT account_id, sum(requests) AS requests, sum(failed_requests) AS failed_requests, sum(downloads) AS downloads,
         sum(bytes_out) AS bytes_out, any_value(o.distinct_objects) AS distinct_objects, min(first_seen) AS first_seen,
         max(last_seen) AS last_seen, count(*) AS active_days
  FROM per_day LEFT JOIN objects o USING (account_id) GROUP BY account_id),
prev AS (
  SELECT account_id, count(*) AS requests
  FROM adxm_usage($prev_from, $prev_to, $subscriber, $access_points, $exclude_anonymous) GROUP BY account_id)
SELECT account_id, adxm_subscriber_name(account_id) AS subscriber, m.attributes,
       coalesce(c.requests, 0) AS requests, coalesce(c.failed_requests, 0) AS failed_requests,
       coalesce(c.downloads, 0) AS downloads, coalesce(c.bytes_out, 0) AS bytes_out,
       coalesce(c.distinct_objects, 0) AS distinct_objects, c.first_seen, c.last_seen,
       coalesce(c.active_days, 0) AS active_days, coalesce(p.requests, 0) AS previous_requests,
       CASE WHEN p.requests > 0 THEN round(100.0 * (coalesce(c.requests, 0) - p.requests) / p.requests, 1)
       END AS trend_pct
FROM cur c FULL JOIN prev p USING (account_id) LEFT JOIN adxm_subscriber_map m USING (account_id)
ORDER BY bytes_out DESC, requests DESC, account_id
)sql";

constexpr ReportColumn kSubscribersColumns[] = {
    {"account_id", Unit::kText, "AWS account id ('anonymous' for unsigned requests)"},
    {"subscriber", Unit::kText, "Name from the subscribers mapping, else the account id"},
    {"attributes", Unit::kText, "Extra columns of the subscribers mapping"},
    {"requests", Unit::kCount, "All requests in the period"},
    {"failed_requests", Unit::kCount, "Requests with an error code"},
    {"downloads", Unit::kCount, "Successful GetObject requests"},
    {"bytes_out", Unit::kBytes, "Bytes sent by successful requests"},
    {"distinct_objects", Unit::kCount, "Distinct objects downloaded"},
    {"first_seen", Unit::kTime, "First request in the period (UTC)"},
    {"last_seen", Unit::kTime, "Last request in the period (UTC)"},
    {"active_days", Unit::kCount, "Days with at least one request"},
    {"previous_requests", Unit::kCount, "Requests in the previous period of equal length"},
    {"trend_pct", Unit::kPercent, "Change of requests against the previous period"},
};

// ---- events ----
constexpr std::string_view kEventsSql = R"sql(
WITH per_account AS (  -- small; a distinct count over every row would cost more than the rest
  SELECT event_name, account_id, count(*) AS requests, count(*) FILTER (WHERE ok) AS successful_requests,
         sum(bytes_out) AS bytes_out
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY ALL)
SELECT event_name AS "eventName", sum(requests) AS requests, sum(successful_requests) AS successful_requests,
       sum(requests - successful_requests) AS failed_requests, count(*) AS subscribers, sum(bytes_out) AS bytes_out
FROM per_account GROUP BY event_name ORDER BY requests DESC, "eventName"
)sql";

constexpr ReportColumn kEventsColumns[] = {
    {"eventName", Unit::kText, "S3 operation (ListObjectsV2 is logged as ListObjects)"},
    {"requests", Unit::kCount, "All requests"},
    {"successful_requests", Unit::kCount, "Requests without an error code"},
    {"failed_requests", Unit::kCount, "Requests with an error code"},
    {"subscribers", Unit::kCount, "Distinct subscribers"},
    {"bytes_out", Unit::kBytes, "Bytes sent by successful requests"},
};

// ---- objects ----
// Grouped by (access point, key) first: a few thousand groups, where adding the subscriber (for a
// distinct count) would make hundreds of thousands and cost ten times as much on 10M events.
constexpr std::string_view kObjectsSql = R"sql(
WITH per_object AS (
  SELECT access_point_arn, object_key, count(*) AS downloads, sum(bytes_out) AS bytes_out
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) WHERE download
  GROUP BY ALL),
d AS (SELECT adxm_dataset_name(access_point_arn) AS dataset, object_key, downloads, bytes_out FROM per_object),
grouped AS (
  SELECT 'object' AS kind, dataset, object_key AS path, sum(downloads) AS downloads, sum(bytes_out) AS bytes_out
  FROM d GROUP BY ALL
  UNION ALL
  SELECT 'prefix' AS kind, dataset, regexp_extract(object_key, '^(.*/)', 1) AS path, sum(downloads) AS downloads,
         sum(bytes_out) AS bytes_out
  FROM d GROUP BY ALL),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY kind ORDER BY downloads DESC, bytes_out DESC, dataset, path)
              AS rank_by_downloads,
            row_number() OVER (PARTITION BY kind ORDER BY bytes_out DESC, downloads DESC, dataset, path)
              AS rank_by_bytes
  FROM grouped)
SELECT kind, dataset, path, downloads, bytes_out, rank_by_downloads, rank_by_bytes
FROM ranked WHERE rank_by_downloads <= $top OR rank_by_bytes <= $top
ORDER BY kind, rank_by_downloads
)sql";

constexpr ReportColumn kObjectsColumns[] = {
    {"kind", Unit::kText, "'object' (a key) or 'prefix' (a key's folder)"},
    {"dataset", Unit::kText, "Data set from the datasets mapping, else the access point ARN"},
    {"path", Unit::kText, "Object key or prefix"},
    {"downloads", Unit::kCount, "Successful GetObject requests"},
    {"bytes_out", Unit::kBytes, "Bytes sent by those downloads"},
    {"rank_by_downloads", Unit::kCount, "Rank among its kind by downloads"},
    {"rank_by_bytes", Unit::kCount, "Rank among its kind by bytes"},
};

// ---- daily ----
constexpr std::string_view kDailySql = R"sql(
WITH daily AS (
  SELECT day, account_id, count(*) AS requests, count(*) FILTER (WHERE NOT ok) AS failed_requests,
         count(*) FILTER (WHERE download) AS downloads, sum(bytes_out) AS bytes_out
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY day, account_id)
SELECT day, account_id, adxm_subscriber_name(account_id) AS subscriber, requests, failed_requests, downloads, bytes_out
FROM daily ORDER BY day, account_id
)sql";

constexpr ReportColumn kDailyColumns[] = {
    {"day", Unit::kDate, "UTC day of eventTime"},
    {"account_id", Unit::kText, "AWS account id"},
    {"subscriber", Unit::kText, "Name from the subscribers mapping, else the account id"},
    {"requests", Unit::kCount, "All requests"},
    {"failed_requests", Unit::kCount, "Requests with an error code"},
    {"downloads", Unit::kCount, "Successful GetObject requests"},
    {"bytes_out", Unit::kBytes, "Bytes sent by successful requests"},
};

// ---- inactive ----
constexpr std::string_view kInactiveSql = R"sql(
WITH seen AS (
  SELECT account_id, max(day) AS last_access
  FROM adxm_usage(DATE '1970-01-01', $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY account_id),
known AS (
  SELECT account_id FROM seen
  UNION
  SELECT account_id FROM adxm_subscriber_map
  WHERE ($subscriber IS NULL OR account_id = $subscriber) AND NOT ($exclude_anonymous AND account_id = 'anonymous'))
SELECT k.account_id, coalesce(m.name, k.account_id) AS subscriber, m.attributes, s.last_access,
       CAST($to - s.last_access AS BIGINT) AS days_since_last_access
FROM known k LEFT JOIN seen s USING (account_id) LEFT JOIN adxm_subscriber_map m USING (account_id)
WHERE s.last_access IS NULL OR s.last_access <= $to - CAST($days AS INTEGER)
ORDER BY s.last_access NULLS FIRST, k.account_id
)sql";

constexpr ReportColumn kInactiveColumns[] = {
    {"account_id", Unit::kText, "AWS account id"},
    {"subscriber", Unit::kText, "Name from the subscribers mapping, else the account id"},
    {"attributes", Unit::kText, "Extra columns of the subscribers mapping"},
    {"last_access", Unit::kDate, "Last day with a request (NULL: never seen)"},
    {"days_since_last_access", Unit::kCount, "Days from the last access to the end of the period"},
};

// ---- spikes ----
// Each subscriber's days form a dense series (0 on days without successful requests) from its first
// request ever; a day is judged against the `window` days before it, once that many exist. The
// spread of a count is at least its Poisson noise (sqrt of the median), so a light user's quiet
// history does not make every busier day a spike.
constexpr std::string_view kSpikesSql = R"sql(
WITH first AS (
  SELECT account_id, greatest(min(day), $from - CAST($window AS INTEGER)) AS start_day
  FROM adxm_usage(DATE '1970-01-01', $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY account_id),
daily AS (
  SELECT account_id, day, count(*) FILTER (WHERE ok) AS requests,
         sum(bytes_out) AS bytes_out
  FROM adxm_usage($from - CAST($window AS INTEGER), $to, $subscriber, $access_points, $exclude_anonymous)
  GROUP BY account_id, day),
grid AS (
  SELECT f.account_id, CAST(g.day AS DATE) AS day
  FROM first f, unnest(generate_series(CAST(f.start_day AS TIMESTAMP), CAST($to AS TIMESTAMP), INTERVAL 1 DAY)) g(day)),
series AS (
  SELECT g.account_id, g.day, coalesce(d.requests, 0) AS requests, coalesce(d.bytes_out, 0) AS bytes_out,
         list(coalesce(d.requests, 0)) OVER w AS request_history, list(coalesce(d.bytes_out, 0)) OVER w AS byte_history
  FROM grid g LEFT JOIN daily d USING (account_id, day)
  WINDOW w AS (PARTITION BY g.account_id ORDER BY g.day ROWS BETWEEN $window PRECEDING AND 1 PRECEDING)),
medians AS (
  SELECT *, list_aggregate(request_history, 'median') AS baseline_requests,
         list_aggregate(byte_history, 'median') AS baseline_bytes
  FROM series WHERE day >= $from AND len(request_history) = $window),
thresholds AS (
  SELECT *,
    baseline_requests + $k * greatest(1.4826 * list_aggregate(
      list_transform(request_history, x -> abs(x - baseline_requests)), 'median'), sqrt(baseline_requests), 1)
      AS request_threshold,
    baseline_bytes + $k * greatest(1.4826 * list_aggregate(
      list_transform(byte_history, x -> abs(x - baseline_bytes)), 'median'), 1048576) AS byte_threshold
  FROM medians)
SELECT t.day, t.account_id, coalesce(m.name, t.account_id) AS subscriber, t.requests,
       round(t.baseline_requests, 1) AS baseline_requests, round(t.request_threshold, 1) AS request_threshold,
       t.bytes_out, CAST(round(t.baseline_bytes) AS BIGINT) AS baseline_bytes,
       CAST(round(t.byte_threshold) AS BIGINT) AS byte_threshold,
       round(t.requests / greatest(t.baseline_requests, 1), 1) AS request_factor
FROM thresholds t LEFT JOIN adxm_subscriber_map m USING (account_id)
WHERE (t.requests > t.request_threshold AND t.requests >= $min_factor * t.baseline_requests)
   OR (t.bytes_out > t.byte_threshold AND t.bytes_out >= $min_factor * t.baseline_bytes)
ORDER BY t.day, t.account_id
)sql";

constexpr ReportColumn kSpikesColumns[] = {
    {"day", Unit::kDate, "UTC day of the spike"},
    {"account_id", Unit::kText, "AWS account id"},
    {"subscriber", Unit::kText, "Name from the subscribers mapping, else the account id"},
    {"requests", Unit::kCount, "Successful requests that day"},
    {"baseline_requests", Unit::kRatio, "Median of the trailing window"},
    {"request_threshold", Unit::kRatio, "median + k * max(1.4826 * MAD, sqrt(median), 1)"},
    {"bytes_out", Unit::kBytes, "Bytes sent that day"},
    {"baseline_bytes", Unit::kBytes, "Median of the trailing window"},
    {"byte_threshold", Unit::kBytes, "median + k * max(1.4826 * MAD, 1 MiB)"},
    {"request_factor", Unit::kRatio, "requests / baseline"},
};

// ---- errors ----
constexpr std::string_view kErrorsSql = R"sql(
WITH totals AS (
  SELECT account_id, count(*) AS requests
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY account_id),
failures AS (
  SELECT account_id, access_point_arn, error_code, count(*) AS failed_requests, count(DISTINCT day) AS days,
         min(event_time) AS first_seen, max(event_time) AS last_seen
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) WHERE NOT ok
  GROUP BY ALL)
SELECT account_id, adxm_subscriber_name(account_id) AS subscriber, adxm_dataset_name(access_point_arn) AS dataset,
       access_point_arn, error_code, failed_requests, round(100.0 * failed_requests / t.requests, 2) AS failed_pct,
       days, first_seen, last_seen
FROM failures JOIN totals t USING (account_id)
ORDER BY failed_requests DESC, account_id, access_point_arn, error_code
)sql";

constexpr ReportColumn kErrorsColumns[] = {
    {"account_id", Unit::kText, "AWS account id"},
    {"subscriber", Unit::kText, "Name from the subscribers mapping, else the account id"},
    {"dataset", Unit::kText, "Data set from the datasets mapping, else the access point ARN"},
    {"access_point_arn", Unit::kText, "Access point the requests went through"},
    {"error_code", Unit::kText, "errorCode as logged (AccessDenied, NoSuchKey, ...)"},
    {"failed_requests", Unit::kCount, "Requests that failed with this code"},
    {"failed_pct", Unit::kPercent, "Share of the subscriber's requests in the period"},
    {"days", Unit::kCount, "Days with such a failure"},
    {"first_seen", Unit::kTime, "First such failure (UTC)"},
    {"last_seen", Unit::kTime, "Last such failure (UTC)"},
};

// ---- clients ----
// Classify each (subscriber, user agent) group once, not each request.
constexpr std::string_view kClientsSql = R"sql(
WITH agents AS (  -- one row per subscriber and client setup: small
  SELECT account_id, user_agent, vpc_endpoint_id IS NOT NULL AS via_vpc,
         x_amz_request_payer = 'requester' AS payer, count(*) AS requests, sum(bytes_out) AS bytes_out
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY ALL),
classified AS (SELECT adxm_client(user_agent) AS client, * FROM agents),
total AS (SELECT sum(requests) AS all_requests FROM agents)
SELECT client, sum(requests) AS requests, round(100.0 * sum(requests) / any_value(all_requests), 1) AS share_pct,
       count(DISTINCT account_id) AS subscribers, coalesce(sum(requests) FILTER (WHERE via_vpc), 0) AS via_vpc_endpoint,
       coalesce(sum(requests) FILTER (WHERE NOT via_vpc), 0) AS via_internet,
       round(100.0 * coalesce(sum(requests) FILTER (WHERE payer), 0) / sum(requests), 1) AS requester_pays_pct,
       sum(bytes_out) AS bytes_out, count(DISTINCT user_agent) AS user_agents
FROM classified, total GROUP BY client ORDER BY requests DESC, client
)sql";

constexpr ReportColumn kClientsColumns[] = {
    {"client", Unit::kText, "Client family from the user agent"},
    {"requests", Unit::kCount, "All requests"},
    {"share_pct", Unit::kPercent, "Share of all requests"},
    {"subscribers", Unit::kCount, "Distinct subscribers using it"},
    {"via_vpc_endpoint", Unit::kCount, "Requests through a VPC endpoint"},
    {"via_internet", Unit::kCount, "Requests from the internet"},
    {"requester_pays_pct", Unit::kPercent, "Share sent with x-amz-request-payer: requester"},
    {"bytes_out", Unit::kBytes, "Bytes sent by successful requests"},
    {"user_agents", Unit::kCount, "Distinct user agent strings"},
};

// ---- access-points ----
constexpr std::string_view kAccessPointsSql = R"sql(
WITH per_account AS (
  SELECT access_point_arn, account_id, count(*) AS requests, count(*) FILTER (WHERE NOT ok) AS failed_requests,
         count(*) FILTER (WHERE download) AS downloads, sum(bytes_out) AS bytes_out, max(event_time) AS last_access
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) GROUP BY ALL),
objects AS (
  SELECT access_point_arn, count(DISTINCT object_key) AS distinct_objects
  FROM adxm_usage($from, $to, $subscriber, $access_points, $exclude_anonymous) WHERE download
  GROUP BY access_point_arn),
per AS (
  SELECT access_point_arn, sum(requests) AS requests, sum(failed_requests) AS failed_requests,
         sum(downloads) AS downloads, sum(bytes_out) AS bytes_out, count(*) AS subscribers,
         max(last_access) AS last_access
  FROM per_account GROUP BY access_point_arn)
SELECT adxm_dataset_name(access_point_arn) AS dataset, access_point_arn, requests, failed_requests, downloads,
       bytes_out, subscribers, coalesce(o.distinct_objects, 0) AS distinct_objects, last_access
FROM per LEFT JOIN objects o USING (access_point_arn) ORDER BY bytes_out DESC, access_point_arn
)sql";

constexpr ReportColumn kAccessPointsColumns[] = {
    {"dataset", Unit::kText, "Data set from the datasets mapping, else the access point ARN"},
    {"access_point_arn", Unit::kText, "ADX access point"},
    {"requests", Unit::kCount, "All requests"},
    {"failed_requests", Unit::kCount, "Requests with an error code"},
    {"downloads", Unit::kCount, "Successful GetObject requests"},
    {"bytes_out", Unit::kBytes, "Bytes sent by successful requests"},
    {"subscribers", Unit::kCount, "Distinct subscribers"},
    {"distinct_objects", Unit::kCount, "Distinct objects downloaded"},
    {"last_access", Unit::kTime, "Last request (UTC)"},
};


// ---- The same reports over the daily rollup (kRollupSetupSql): the dashboard server runs these.
// Each is its detail SQL with the rollup's table macro and sums of its counts in place of counts of
// rows; tests/serve_test.cc compares every one, byte for byte, with `adxmetrics report`. ----

/// `sql` over adxm_daily_usage(): each aggregate over adxm_usage() rows becomes the same aggregate
/// over the rollup's counts. Only for SQL whose row counts are exactly these forms.
std::string RollupForm(std::string_view sql) {
  static constexpr std::pair<std::string_view, std::string_view> kSubstitutions[] = {
      {"adxm_usage(", "adxm_daily_usage("},
      {"count(*) FILTER (WHERE NOT ok)", "coalesce(sum(requests) FILTER (WHERE NOT ok), 0)"},
      {"count(*) FILTER (WHERE ok)", "coalesce(sum(requests) FILTER (WHERE ok), 0)"},
      {"count(*) FILTER (WHERE download)", "sum(downloads)"},
      {"count(*) AS requests", "sum(requests) AS requests"},
  };
  std::string out(sql);
  for (const auto& [from, to] : kSubstitutions) {
    for (size_t pos = out.find(from); pos != std::string::npos; pos = out.find(from, pos + to.size())) {
      out.replace(pos, from.size(), to);
    }
  }
  return out;
}

const std::string kSummaryRollupSql = RollupForm(kSummarySql);
const std::string kEventsRollupSql = RollupForm(kEventsSql);
const std::string kDailyRollupSql = RollupForm(kDailySql);
const std::string kInactiveRollupSql = RollupForm(kInactiveSql);
const std::string kSpikesRollupSql = RollupForm(kSpikesSql);

const std::array<Report, 10> kReports = {{
    {"summary",
     "Usage summary",
     "Requests, downloads, bytes and active subscribers per month (--by week|day), with cohorts: new "
     "(first request ever), returning and churned (active the period before, not this one).",
     kSummarySql,
     kOptionBy,
     kSummaryColumns,
     {"period", "bytes_out", "", true},
     kSummaryRollupSql},
    {"subscribers",
     "Subscribers",
     "Per subscriber: requests, downloads, bytes, distinct objects, first/last seen, active days, and the "
     "trend against the previous period of equal length.",
     kSubscribersSql,
     kOptionNone,
     kSubscribersColumns,
     {"subscriber", "bytes_out", "", false}},
    {"events",
     "Requests by operation",
     "Requests per eventName: the AWS sample's second query, with failures and bytes beside.",
     kEventsSql,
     kOptionNone,
     kEventsColumns,
     {"eventName", "requests", "", false},
     kEventsRollupSql},
    {"objects",
     "Top objects and prefixes",
     "The --top (20) objects and prefixes by downloads and by bytes. Objects nobody read need the data "
     "set's object list, which the logs do not hold; they are not listed.",
     kObjectsSql,
     kOptionTop,
     kObjectsColumns,
     {"path", "downloads", "kind", false}},
    {"daily",
     "Daily usage per subscriber",
     "Requests, downloads and bytes per UTC day and subscriber.",
     kDailySql,
     kOptionNone,
     kDailyColumns,
     {"day", "requests", "subscriber", true},
     kDailyRollupSql},
    {"inactive",
     "Inactive subscribers",
     "Known subscribers (in the subscribers mapping, or seen up to the end of the period) with no request "
     "in the last --days (30) days of the period, with their last access.",
     kInactiveSql,
     kOptionDays,
     kInactiveColumns,
     {"subscriber", "days_since_last_access", "", false},
     kInactiveRollupSql},
    {"spikes",
     "Usage spikes",
     "Subscriber-days whose successful requests or bytes exceed median + k * 1.4826 * MAD of the "
     "subscriber's own trailing --window (14) days (--k, 6) and are at least --min-factor (3) times that "
     "median; days without requests count as 0, and a subscriber is judged once it has a full window of "
     "history.",
     kSpikesSql,
     kOptionK | kOptionWindow | kOptionMinFactor,
     kSpikesColumns,
     {"subscriber", "request_factor", "", false},
     kSpikesRollupSql},
    {"errors",
     "Failed requests",
     "Failed requests per subscriber, access point and error code, with their share of the subscriber's "
     "requests. Failed requests never count as downloads or bytes in any report.",
     kErrorsSql,
     kOptionNone,
     kErrorsColumns,
     {"subscriber", "failed_requests", "error_code", false}},
    {"clients",
     "Clients",
     "Client families from the user agent (AWS CLI, SDKs by language, Athena, EMR/Spark, SageMaker, "
     "browsers, other), internet vs VPC endpoint, and the Requester Pays share.",
     kClientsSql,
     kOptionNone,
     kClientsColumns,
     {"client", "requests", "", false}},
    {"access-points",
     "Access points and data sets",
     "Usage per ADX access point and the data set it serves (datasets mapping).",
     kAccessPointsSql,
     kOptionNone,
     kAccessPointsColumns,
     {"dataset", "bytes_out", "", false}},
}};

}  // namespace

// Per Unit, in enum order: the name for people (--list, HTML headings) and the id for data (JSON API).
constexpr std::pair<std::string_view, std::string_view> kUnitNames[] = {
    {"text", "text"},  {"date", "date"},   {"UTC time", "time"}, {"count", "count"},
    {"bytes", "bytes"}, {"%", "percent"}, {"number", "ratio"},
};

std::string_view UnitName(Unit unit) { return kUnitNames[static_cast<size_t>(unit)].first; }

std::string_view UnitId(Unit unit) { return kUnitNames[static_cast<size_t>(unit)].second; }

std::span<const Report> Reports() { return kReports; }

const Report* FindReport(std::string_view name) {
  for (const Report& report : kReports) {
    if (report.name == name) return &report;
  }
  return nullptr;
}

}  // namespace adxm

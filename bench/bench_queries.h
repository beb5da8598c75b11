// The queries the query benchmark times: the AWS sample's two Athena queries, verbatim
// (DESIGN.md §1), and a per-subscriber monthly rollup over the whole dataset.
//
// Thread-safety: immutable data.
// Example:
//   for (const BenchQuery& query : kBenchQueries) RunQuery(query.sql);
#pragma once

#include <array>
#include <string_view>

namespace adxm {

/// One timed query.
struct BenchQuery {
  std::string_view name;  // Short name for the tables.
  std::string_view sql;   // The SQL, as a user would type it.
  bool one_month;         // True when it filters on one month (its partition pruning is shown).
};

inline constexpr std::array<BenchQuery, 3> kBenchQueries = {{
    {"sample: distinct subscribers",
     "SELECT distinct subscriber_account_id FROM \"adx_metrics_curated\".\"adx_for_s3_metrics\"\n"
     "where year='2023'and month ='05' and subscriber_account_id != 'anonymous'",
     true},
    {"sample: events by name",
     "SELECT eventName, count(1) as eventCount FROM \"adx_metrics_curated\".\"adx_for_s3_metrics\"\n"
     "where year='2023'and month ='05' and subscriber_account_id != 'anonymous' group by eventName "
     "order by eventCount desc",
     true},
    {"monthly rollup per subscriber",
     "SELECT year, month, subscriber_account_id, count(*) AS events, sum(bytes_accessed) AS bytes "
     "FROM adx_for_s3_metrics GROUP BY ALL ORDER BY ALL",
     false},
}};

}  // namespace adxm

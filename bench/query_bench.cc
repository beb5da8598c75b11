// adxm_bench_query: the query benchmark's dataset and its in-process timings.
//
//   synth --warehouse W [--events 10000000] [--days 90]
//     Writes a curated dataset of synthetic events straight through DuckDB SQL (generating and
//     ingesting 10M CloudTrail events would take 17 GB of JSON): ~50 subscribers with skewed
//     activity, 3% anonymous, the sample's eventName mix, bytes for GetObject (the object's size, fixed per key), days from
//     2023-04-01, one zstd Parquet file per day in the Hive layout, and a manifest naming them.
//   run --warehouse W [--runs 5]
//     Opens a QueryEngine on W and times each bench query (median of --runs, after one warm-up);
//     for the one-month queries prints what EXPLAIN ANALYZE says the Parquet scan read.
//
// Output is `key=value` lines for the bench driver.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "bench/bench_queries.h"
#include "warehouse/manifest.h"
#include "warehouse/layout.h"
#include "warehouse/local_store.h"
#include "db/duckdb.h"
#include "query/query_engine.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

// Columns of the synthetic rows, in kColumns order, over `ev` (see SynthSql).
constexpr std::string_view kSynthColumns = R"sql(
  m[1:8] || '-' || m[9:12] || '-4' || m[13:15] || '-a' || m[16:18] || '-' || m[19:30] AS eventID,
  CASE WHEN pick < 55 THEN 'GetObject' WHEN pick < 75 THEN 'HeadObject' WHEN pick < 93 THEN 'ListObjects'
       ELSE 'GetObjectAttributes' END AS eventName,
  CAST(d AS TIMESTAMPTZ) + to_seconds(CAST(h3 // 7 % 86400 AS BIGINT)) AS eventTime,
  region AS provider_bucket_region,
  CASE WHEN h2 // 100000 % 1000 < 30 THEN 'anonymous' ELSE CAST(400000000000 + sub * 7919 AS VARCHAR) END
    AS subscriber_account_id,
  '10.' || sub || '.' || (h1 // 100 % 4) || '.7' AS subscriber_ip_address,
  '[aws-cli/2.13.' || (sub % 9) || ' Python/3.11.4 Linux/5.10]' AS subscriber_user_agent,
  'acme-data-' || region AS provider_bucket_name,
  CASE WHEN h1 // 1000 % 10 < 9 THEN 'requester' END AS x_amz_request_payer,
  CASE WHEN pick >= 75 AND pick < 93 AND h1 // 100 % 2 = 0 THEN 'fx-rates/2023/' END AS prefix,
  CASE WHEN pick < 55 THEN CAST((h2 // 1000 % 365 * 10 + h3 % 10) * 2654435761 % 50000000 + 1000 AS BIGINT)
       END AS bytes_accessed,
  'arn:aws:s3:' || region || ':330489627928:accesspoint/adx-' || (sub % 4) AS access_point_arn,
  'TLSv1.3' AS tls_version,
  CASE WHEN pick < 75 OR pick >= 93 THEN 'fx-rates/2023/' || lpad(CAST(h2 // 1000 % 365 AS VARCHAR), 3, '0')
       || '/part-0000' || (h3 % 10) || '.parquet' END AS object_key,
  CASE WHEN pick >= 75 AND pick < 93 AND h1 // 100 % 2 = 1 THEN '2' END AS list_type,
  CASE WHEN h1 // 10000 % 1000 < 25 THEN 'AccessDenied' END AS error_code,
  'AWSAccount' AS identity_type,
  'AROA' || upper(to_hex(hash(sub))) || ':session' AS principal_id,
  upper(m[17:32]) AS request_id,
  CAST(0 AS BIGINT) AS bytes_in,
  CASE WHEN sub % 5 = 0 THEN 'vpce-0a1b2c3d' || sub END AS vpc_endpoint_id,
  '330489627928' AS access_point_account_id,
  '111122223333' AS recipient_account_id,
  'AWSLogs/111122223333/CloudTrail/' || region || '/' || strftime(d, '%Y/%m/%d') || '/f' || (i // 300)
    || '.json.gz' AS source_log_file,
  region AS log_region,
  strftime(d, '%Y') AS year, strftime(d, '%m') AS month, strftime(d, '%d') AS day)sql";

/// Return the COPY that writes `events` synthetic rows over `days` days into `table_dir`.
std::string SynthSql(long long events, int days, const fs::path& table_dir) {
  std::string n = std::to_string(events);
  // h1..h3 are independent hashes of the row number; m is a hex string for the ids.
  return "COPY (WITH ev AS (SELECT i, h1, h2, h3, d, CAST(h1 % 100 AS INTEGER) AS pick, "
         // Subscriber activity is skewed: sub = floor(50 u^2) makes low numbers heavy users.
         "CAST(floor(50 * pow((h2 % 100000) / 100000.0, 2)) AS INTEGER) AS sub, "
         "['us-east-1', 'us-west-2', 'eu-west-1'][CAST(h3 % 3 AS INTEGER) + 1] AS region, "
         "lpad(to_hex(h1), 16, '0') || lpad(to_hex(h2), 16, '0') AS m FROM ("
         "SELECT i, hash(i) AS h1, hash(i + 1000000007) AS h2, hash(i + 2000000011) AS h3, "
         "DATE '2023-04-01' + CAST(i * " + std::to_string(days) + " // " + n + " AS INTEGER) AS d "
         "FROM range(" + n + ") t(i))) SELECT " + std::string(kSynthColumns) + " FROM ev) TO " +
         SqlQuote(table_dir.string()) +
         " (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month, day), FILENAME_PATTERN 'part-{i}')";
}

/// Return the data files under `table_dir`, relative to it, sorted.
std::vector<std::string> ListDataFiles(const fs::path& table_dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(table_dir)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), table_dir).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status Synthesize(const fs::path& warehouse, long long events, int days) {
  const fs::path table_dir = warehouse / std::string(WarehouseLayout::kTablePrefix);
  if (fs::exists(warehouse)) return Status::AlreadyExists(warehouse.string() + ": already exists");
  ADXM_ASSIGN_OR_RETURN(auto database, Database::Open());
  ADXM_ASSIGN_OR_RETURN(auto connection, database->Connect());
  ADXM_RETURN_IF_ERROR(connection->Execute("SET preserve_insertion_order = false"));
  ADXM_ASSIGN_OR_RETURN(auto store, LocalStore::Open(warehouse));
  auto start = std::chrono::steady_clock::now();
  ADXM_ASSIGN_OR_RETURN(QueryResult result, connection->Query(SynthSql(events, days, table_dir)));
  ADXM_ASSIGN_OR_RETURN(auto manifest, Manifest::Open(store.get()));
  CommitRecord record;
  record.txn = manifest->next_txn();
  record.added_files = ListDataFiles(table_dir);
  // Committed files have a stable copy (a hard link) that snapshots read.
  for (const std::string& file : record.added_files) {
    ADXM_RETURN_IF_ERROR(store->Link(WarehouseLayout::VisibleKey(file), WarehouseLayout::DataKey(file)));
  }
  ADXM_RETURN_IF_ERROR(manifest->Commit(record));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rows=%zu files=%zu seconds=%.1f\n", result.rows_changed(), record.added_files.size(), seconds);
  return Status::OK();
}

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// Time `query` `runs` times after one warm-up; print its median and fastest.
Status TimeQuery(QueryEngine* engine, const BenchQuery& query, int runs) {
  ADXM_ASSIGN_OR_RETURN(QueryTable warm_up, engine->Run(query.sql));
  std::vector<double> millis;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    ADXM_RETURN_IF_ERROR(engine->Run(query.sql).status());
    millis.push_back(MillisSince(start));
  }
  std::sort(millis.begin(), millis.end());
  std::printf("query=%zu median_ms=%.1f min_ms=%.1f rows=%zu\n", static_cast<size_t>(&query - kBenchQueries.data()),
              millis[millis.size() / 2], millis.front(), warm_up.rows.size());
  return Status::OK();
}

/// Parse the number (digits and thousands separators) that ends just before `end` in `text`, or -1.
long long NumberEndingAt(const std::string& text, size_t end) {
  size_t begin = end;
  while (begin > 0 && (std::isdigit(static_cast<unsigned char>(text[begin - 1])) || text[begin - 1] == ',')) --begin;
  std::string digits;
  for (size_t pos = begin; pos < end; ++pos) {
    if (text[pos] != ',') digits += text[pos];
  }
  return digits.empty() ? -1 : std::stoll(digits);
}

/// Return the number that follows `label` in `text` (after spaces), or -1.
long long NumberAfter(const std::string& text, std::string_view label) {
  size_t pos = text.find(label);
  if (pos == std::string::npos) return -1;
  pos = text.find_first_not_of(' ', pos + label.size());
  size_t end = pos == std::string::npos ? pos : text.find_first_not_of("0123456789,", pos);
  return end == std::string::npos ? -1 : NumberEndingAt(text, end);
}

/// Print what the Parquet scan of `query` read, from its EXPLAIN ANALYZE profile.
Status ShowPruning(QueryEngine* engine, const BenchQuery& query) {
  ADXM_ASSIGN_OR_RETURN(QueryTable table, engine->Run("EXPLAIN ANALYZE " + std::string(query.sql)));
  std::string plan;
  for (const auto& row : table.rows) plan += row.back().value_or("");
  // The TABLE_SCAN box reads "Scanning Files: 31/90", "Total Files Read: 31", then its row count.
  size_t scan = plan.find("Total Files Read:");
  size_t rows = scan == std::string::npos ? scan : plan.find(" rows", scan);
  long long rows_scanned = rows == std::string::npos ? -1 : NumberEndingAt(plan, rows);
  std::printf("pruning=%zu files_read=%lld files_total=%zu rows_scanned=%lld\n",
              static_cast<size_t>(&query - kBenchQueries.data()), NumberAfter(plan, "Total Files Read:"),
              engine->file_count(), rows_scanned);
  return Status::OK();
}

Status RunQueries(const fs::path& warehouse, int runs) {
  auto start = std::chrono::steady_clock::now();
  ADXM_ASSIGN_OR_RETURN(auto engine, QueryEngine::Open(warehouse));
  std::printf("open_ms=%.1f files=%zu\n", MillisSince(start), engine->file_count());
  ADXM_ASSIGN_OR_RETURN(QueryTable count, engine->Run("SELECT count(*) FROM adx_for_s3_metrics"));
  std::printf("total_rows=%s\n", count.rows.at(0).at(0).value_or("0").c_str());
  for (const BenchQuery& query : kBenchQueries) ADXM_RETURN_IF_ERROR(TimeQuery(engine.get(), query, runs));
  for (const BenchQuery& query : kBenchQueries) {
    if (query.one_month) ADXM_RETURN_IF_ERROR(ShowPruning(engine.get(), query));
  }
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  std::string warehouse;
  long long events = 10'000'000;
  int days = 90;
  int runs = 5;
  CLI::App app{"Query benchmark: synthesize a curated dataset, time queries in-process"};
  app.require_subcommand(1);
  CLI::App* synth = app.add_subcommand("synth", "Write a synthetic curated dataset and its manifest");
  synth->add_option("--warehouse", warehouse, "Warehouse to create (must not exist)")->required();
  synth->add_option("--events", events, "Rows")->check(CLI::Range(1LL, 1'000'000'000LL));
  synth->add_option("--days", days, "Days, from 2023-04-01")->check(CLI::Range(1, 3650));
  CLI::App* run = app.add_subcommand("run", "Time the bench queries through a QueryEngine");
  run->add_option("--warehouse", warehouse, "Warehouse to query")->required();
  run->add_option("--runs", runs, "Timed runs per query")->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);
  try {
    adxm::Status status = synth->parsed() ? adxm::Synthesize(warehouse, events, days)
                                          : adxm::RunQueries(warehouse, runs);
    if (status.ok()) return 0;
    std::fprintf(stderr, "adxm_bench_query: %s\n", status.ToString().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxm_bench_query: internal error: %s\n", e.what());
  }
  return 1;
}

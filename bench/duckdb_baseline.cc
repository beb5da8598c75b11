// adxm_bench_baseline: the DuckDB baseline of the ingest benchmark.
//
// The best hand-written DuckDB SQL we know that turns a CloudTrail bucket into the curated table:
// read_json over the .json.gz logs with an explicit schema of the fields needed (no inference of
// the thousands of fields a trail holds) -> unnest(Records) -> the ADX filter -> the curated
// columns (names and types of kColumns) -> eventID dedup -> COPY … PARTITION_BY (year, month, day),
// zstd. Same DuckDB build as adxmetrics. Prints `rows=<n> seconds=<s>` for the bench driver.
// `--columns sample` is the lighter baseline: the same query writing only the AWS sample's curated
// columns (Column::from_sample) and reading only the fields they, the filter and the dedup need.
//
// Usage: adxm_bench_baseline --source BUCKET --out DIR [--threads N] [--columns all|sample]
//                            [--explain | --print-sql]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cloudtrail/extractor.h"
#include "db/duckdb.h"
#include "schema/schema.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

struct BaselineArgs {
  std::string source;    // Bucket root (holds AWSLogs/).
  std::string out;       // Output directory (must not exist).
  int threads = 1;       // DuckDB threads.
  bool explain = false;  // Print the plan instead of running.
  bool print_sql = false;  // Print the SQL instead of running.
  std::string columns = "all";  // "all": the curated table; "sample": the AWS sample's columns only.
};

// read_json's schema: only the fields the curated table or the filter needs.
constexpr std::string_view kRecordType =
    "STRUCT(eventID VARCHAR, eventTime VARCHAR, eventName VARCHAR, eventSource VARCHAR, "
    "eventCategory VARCHAR, readOnly BOOLEAN, managementEvent BOOLEAN, awsRegion VARCHAR, "
    "sourceIPAddress VARCHAR, userAgent VARCHAR, requestID VARCHAR, errorCode VARCHAR, "
    "vpcEndpointId VARCHAR, recipientAccountId VARCHAR, "
    "userIdentity STRUCT(type VARCHAR, principalId VARCHAR, accountId VARCHAR), "
    "requestParameters STRUCT(bucketName VARCHAR, \"key\" VARCHAR, prefix VARCHAR, "
    "\"x-amz-request-payer\" VARCHAR, \"list-type\" VARCHAR), "
    "additionalEventData STRUCT(bytesTransferredOut VARCHAR, bytesTransferredIn VARCHAR), "
    "tlsDetails STRUCT(tlsVersion VARCHAR), "
    "resources STRUCT(type VARCHAR, ARN VARCHAR, accountId VARCHAR)[])[]";

// The same for the sample's columns alone: what they, the filter and the dedup read.
constexpr std::string_view kSampleRecordType =
    "STRUCT(eventID VARCHAR, eventTime VARCHAR, eventName VARCHAR, eventSource VARCHAR, "
    "eventCategory VARCHAR, readOnly BOOLEAN, managementEvent BOOLEAN, awsRegion VARCHAR, "
    "sourceIPAddress VARCHAR, userAgent VARCHAR, userIdentity STRUCT(accountId VARCHAR), "
    "requestParameters STRUCT(bucketName VARCHAR, prefix VARCHAR, \"x-amz-request-payer\" VARCHAR), "
    "additionalEventData STRUCT(bytesTransferredOut VARCHAR), tlsDetails STRUCT(tlsVersion VARCHAR), "
    "resources STRUCT(type VARCHAR, ARN VARCHAR, accountId VARCHAR)[])[]";

/// A curated column as an expression over `r` (a record), `ap` (its ADX access point), `key` and
/// `log_region`.
struct ColumnSql {
  std::string_view name;  // As in kColumns.
  std::string_view sql;   // Its value.
};

constexpr ColumnSql kColumnSql[] = {
    {"eventID", "r.eventID"},
    {"eventName", "r.eventName"},
    {"eventTime", "r.eventTime::TIMESTAMPTZ"},
    {"provider_bucket_region", "r.awsRegion"},
    {"subscriber_account_id", "r.userIdentity.accountId"},
    {"subscriber_ip_address", "r.sourceIPAddress"},
    {"subscriber_user_agent", "r.userAgent"},
    {"provider_bucket_name", "r.requestParameters.bucketName"},
    {"x_amz_request_payer", "r.requestParameters.\"x-amz-request-payer\""},
    {"prefix", "r.requestParameters.prefix"},
    {"bytes_accessed", "TRY_CAST(r.additionalEventData.bytesTransferredOut AS BIGINT)"},
    {"access_point_arn", "ap.ARN"},
    {"tls_version", "r.tlsDetails.tlsVersion"},
    {"object_key", "r.requestParameters.\"key\""},
    {"list_type", "r.requestParameters.\"list-type\""},
    {"error_code", "r.errorCode"},
    {"identity_type", "r.userIdentity.type"},
    {"principal_id", "r.userIdentity.principalId"},
    {"request_id", "r.requestID"},
    {"bytes_in", "TRY_CAST(r.additionalEventData.bytesTransferredIn AS BIGINT)"},
    {"vpc_endpoint_id", "r.vpcEndpointId"},
    {"access_point_account_id", "ap.accountId"},
    {"recipient_account_id", "r.recipientAccountId"},
    {"source_log_file", "key"},
    {"log_region", "log_region"},
};

/// Return the select list of the curated columns in kColumns order (only the sample's when
/// `sample_only`), then the partitions. Internal if a column has no expression here.
Result<std::string> SelectList(bool sample_only) {
  std::string list;
  for (const Column& column : kColumns) {
    if (sample_only && !column.from_sample) continue;
    auto found = std::find_if(std::begin(kColumnSql), std::end(kColumnSql),
                              [&](const ColumnSql& entry) { return entry.name == column.name; });
    if (found == std::end(kColumnSql)) {
      return Status::Internal("baseline: no SQL for column " + std::string(column.name));
    }
    list += std::string(found->sql) + " AS " + std::string(column.name) + ", ";
  }
  // eventTime is always "YYYY-MM-DDTHH:MM:SSZ" (UTC): the partitions are its prefixes.
  return list + "substr(r.eventTime, 1, 4) AS year, substr(r.eventTime, 6, 2) AS month, "
                "substr(r.eventTime, 9, 2) AS day";
}

// Return `'a', 'b', …` for the ADX accounts.
std::string AccountList() {
  std::string list;
  for (const std::string& account : DefaultAdxAccounts()) list += (list.empty() ? "" : ", ") + SqlQuote(account);
  return list;
}

/// Return the COPY statement that builds the curated dataset at `out` from the bucket at `source`
/// (only the sample's columns when `sample_only`).
Result<std::string> BaselineSql(const fs::path& source, const fs::path& out, bool sample_only) {
  ADXM_ASSIGN_OR_RETURN(std::string select_list, SelectList(sample_only));
  std::string root = source.string() + "/";
  // CloudTrail/<region>/YYYY/MM/DD/<file>: `CloudTrail` exactly, so digest folders are skipped.
  std::string glob = root + "AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz";
  return "COPY (WITH files AS (SELECT Records, substr(filename, " + std::to_string(root.size() + 1) +
         ") AS key, regexp_extract(filename, '/CloudTrail/([^/]+)/', 1) AS log_region FROM read_json(" +
         SqlQuote(glob) + ", format = 'unstructured', records = true, filename = true, " +
         // A busy region's log object can pass read_json's default 16 MB limit.
         "maximum_object_size = 1073741824, " +
         "columns = {Records: '" + std::string(sample_only ? kSampleRecordType : kRecordType) + "'})), " +
         "records AS (SELECT key, log_region, unnest(Records) AS r FROM files), " +
         "qualifying AS (SELECT key, log_region, r, list_filter(r.resources, x -> x.type = "
         "'AWS::S3::AccessPoint' AND x.accountId IN (" + AccountList() + "))[1] AS ap FROM records "
         "WHERE r.eventSource = 's3.amazonaws.com' AND coalesce(r.eventCategory, 'Data') = 'Data' "
         "AND r.readOnly AND NOT coalesce(r.managementEvent, false)) "
         "SELECT " + select_list + " FROM qualifying WHERE ap IS NOT NULL "
         "QUALIFY row_number() OVER (PARTITION BY r.eventID ORDER BY key) = 1) TO " + SqlQuote(out.string()) +
         " (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month, day))";
}

Status RunBaseline(const BaselineArgs& args) {
  ADXM_ASSIGN_OR_RETURN(std::string sql, BaselineSql(args.source, args.out, args.columns == "sample"));
  if (args.print_sql) {
    std::printf("SET threads = %d;\nSET preserve_insertion_order = false;\n%s;\n", args.threads, sql.c_str());
    return Status::OK();
  }
  DatabaseOptions options;
  options.threads = args.threads;
  ADXM_ASSIGN_OR_RETURN(auto database, Database::Open(options));
  ADXM_ASSIGN_OR_RETURN(auto connection, database->Connect());
  // Row order does not matter to the dataset; keeping it would cost memory and time.
  ADXM_RETURN_IF_ERROR(connection->Execute("SET preserve_insertion_order = false"));
  if (args.explain) sql = "EXPLAIN " + sql;
  auto start = std::chrono::steady_clock::now();
  ADXM_ASSIGN_OR_RETURN(QueryResult result, connection->Query(sql));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.explain) {
    for (DataChunk chunk = result.Fetch(); chunk.valid(); chunk = result.Fetch()) {
      auto* text = static_cast<duckdb_string_t*>(duckdb_vector_get_data(chunk.column(1)));
      for (size_t row = 0; row < chunk.size(); ++row) {
        std::printf("%.*s\n", static_cast<int>(duckdb_string_t_length(text[row])),
                    duckdb_string_t_data(&text[row]));
      }
    }
    return Status::OK();
  }
  std::printf("rows=%zu seconds=%.3f\n", result.rows_changed(), seconds);
  return Status::OK();
}

}  // namespace
}  // namespace adxm

int main(int argc, char** argv) {
  adxm::BaselineArgs args;
  CLI::App app{"DuckDB baseline: CloudTrail bucket -> curated Parquet with hand-written SQL"};
  app.add_option("--source", args.source, "Bucket root (holds AWSLogs/)")->required();
  app.add_option("--out", args.out, "Output directory (must not exist)")->required();
  app.add_option("--threads", args.threads, "DuckDB threads")->check(CLI::Range(1, 256));
  app.add_option("--columns", args.columns,
                 "Columns to write: all (the curated table) or sample (the AWS sample's Glue table only)")
      ->check(CLI::IsMember({"all", "sample"}));
  app.add_flag("--explain", args.explain, "Print the query plan instead of running it");
  app.add_flag("--print-sql", args.print_sql, "Print the SQL instead of running it");
  CLI11_PARSE(app, argc, argv);
  try {
    adxm::Status status = adxm::RunBaseline(args);
    if (status.ok()) return 0;
    std::fprintf(stderr, "adxm_bench_baseline: %s\n", status.ToString().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adxm_bench_baseline: internal error: %s\n", e.what());
  }
  return 1;
}

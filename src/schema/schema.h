// The curated table `adx_metrics_curated.adx_for_s3_metrics`, defined once.
//
// Every consumer derives from kColumns: the Parquet writer's column list, the
// DuckDB views, the Glue/Athena DDL and docs/schema.md. Add a column here and
// in ColumnId, and everything else follows.
//
// Thread-safety: immutable data and pure functions.
// Example:
//   for (const Column& column : kColumns) std::cout << column.name << "\n";
//   std::string ddl = GlueTableDdl("adx_metrics_curated", "s3://bucket/warehouse/");
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace adxm {

inline constexpr std::string_view kDatabaseName = "adx_metrics_curated";
inline constexpr std::string_view kTableName = "adx_for_s3_metrics";

/// Physical type of a curated column.
enum class ColumnType {
  kVarchar,    // UTF-8 string.
  kBigint,     // 64-bit signed integer.
  kTimestamp,  // UTC instant, microseconds since the Unix epoch (Parquet INT64, isAdjustedToUTC).
};

/// One column of the curated table.
struct Column {
  std::string_view name;         // Column name; sample columns keep the sample's spelling.
  ColumnType type;               // Physical type.
  bool from_sample;              // True when the AWS sample's Glue job has this column.
  std::string_view source;       // Where the value comes from in the CloudTrail record.
  std::string_view description;  // What it means, for docs/schema.md and the Glue table.
};

/// Column positions in kColumns and in every RowBatch.
enum ColumnId : int {
  kEventId,
  kEventName,
  kEventTime,
  kProviderBucketRegion,
  kSubscriberAccountId,
  kSubscriberIpAddress,
  kSubscriberUserAgent,
  kProviderBucketName,
  kXAmzRequestPayer,
  kPrefix,
  kBytesAccessed,
  kAccessPointArn,
  kTlsVersion,
  kObjectKey,
  kListType,
  kErrorCode,
  kIdentityType,
  kPrincipalId,
  kRequestId,
  kBytesIn,
  kVpcEndpointId,
  kAccessPointAccountId,
  kRecipientAccountId,
  kSourceLogFile,
  kLogRegion,
  kNumColumns,
};

inline constexpr std::array<Column, kNumColumns> kColumns = {{
    {"eventID", ColumnType::kVarchar, true, "eventID",
     "Unique id of the event; duplicates delivered by CloudTrail are written once."},
    {"eventName", ColumnType::kVarchar, true, "eventName",
     "S3 API operation: GetObject, HeadObject, ListObjects (V1 and V2), ..."},
    {"eventTime", ColumnType::kTimestamp, true, "eventTime",
     "When the request was made, UTC, second precision. Partitions derive from it. A record whose "
     "time is before 2013-11-01 (CloudTrail's start) or more than a day ahead of the ingest is malformed."},
    {"provider_bucket_region", ColumnType::kVarchar, true, "awsRegion",
     "Region of the provider's bucket / access point."},
    {"subscriber_account_id", ColumnType::kVarchar, true, "userIdentity.accountId",
     "AWS account of the requester; 'anonymous' for every unsigned request (older trails log "
     "ANONYMOUS_PRINCIPAL, newer ones anonymous: both become 'anonymous')."},
    {"subscriber_ip_address", ColumnType::kVarchar, true, "sourceIPAddress",
     "Source IP address (or AWS service name) of the request."},
    {"subscriber_user_agent", ColumnType::kVarchar, true, "userAgent",
     "Client user agent as logged (often in brackets)."},
    {"provider_bucket_name", ColumnType::kVarchar, true, "requestParameters.bucketName",
     "Bucket named in the request."},
    {"x_amz_request_payer", ColumnType::kVarchar, true, "requestParameters.x-amz-request-payer",
     "'requester' when the subscriber pays for the request (Requester Pays)."},
    {"prefix", ColumnType::kVarchar, true, "requestParameters.prefix",
     "Prefix of a ListObjects request; NULL for other operations."},
    {"bytes_accessed", ColumnType::kBigint, true, "additionalEventData.bytesTransferredOut",
     "Bytes sent to the subscriber; NULL when not logged."},
    {"access_point_arn", ColumnType::kVarchar, true, "resources[type=AWS::S3::AccessPoint].ARN",
     "ARN of the ADX access point the request went through (one ARN, not an array)."},
    {"tls_version", ColumnType::kVarchar, true, "tlsDetails.tlsVersion", "TLS version of the connection."},
    {"object_key", ColumnType::kVarchar, false, "requestParameters.key",
     "Object key of an object-level request; NULL for list requests."},
    {"list_type", ColumnType::kVarchar, false, "requestParameters.list-type",
     "'2' for ListObjectsV2 (logged as ListObjects); NULL otherwise."},
    {"error_code", ColumnType::kVarchar, false, "errorCode",
     "Error of a failed request, e.g. AccessDenied; NULL on success."},
    {"identity_type", ColumnType::kVarchar, false, "userIdentity.type",
     "Requester identity type: AWSAccount, IAMUser, AssumedRole, Root, ..."},
    {"principal_id", ColumnType::kVarchar, false, "userIdentity.principalId",
     "Principal id as the bucket owner sees it (role id and session for cross-account callers). "
     "Empty for unsigned requests, except 'ANONYMOUS_PRINCIPAL' where the record spelled its account so."},
    {"request_id", ColumnType::kVarchar, false, "requestID", "S3 request id."},
    {"bytes_in", ColumnType::kBigint, false, "additionalEventData.bytesTransferredIn",
     "Bytes received from the subscriber; NULL when not logged."},
    {"vpc_endpoint_id", ColumnType::kVarchar, false, "vpcEndpointId",
     "VPC endpoint the request came through, if any."},
    {"access_point_account_id", ColumnType::kVarchar, false, "resources[type=AWS::S3::AccessPoint].accountId",
     "Account owning the access point (an ADX service account)."},
    {"recipient_account_id", ColumnType::kVarchar, false, "recipientAccountId",
     "Account that received the event (the provider)."},
    {"source_log_file", ColumnType::kVarchar, false, "(log object key)",
     "Lineage: the CloudTrail log object this row was read from."},
    {"log_region", ColumnType::kVarchar, false, "(log object path)",
     "Region folder of the CloudTrail log object."},
}};

/// Partition columns, in path order; VARCHAR, zero-padded ('2023', '05', '01'), from eventTime.
inline constexpr std::array<std::string_view, 3> kPartitionColumns = {"year", "month", "day"};

/// Whether a column holds a value of its own on every row: eventID is the dedup key and S3 gives
/// each request its own id. Writers and extraction treat every other column as one whose values
/// repeat (row to row, object to object).
inline constexpr bool UniquePerRow(ColumnId column) { return column == kEventId || column == kRequestId; }

/// Return the DuckDB type name of `type` (VARCHAR, BIGINT, TIMESTAMPTZ).
std::string_view DuckDbTypeName(ColumnType type);

/// Return the Athena/Hive type name of `type` (string, bigint, timestamp).
std::string_view AthenaTypeName(ColumnType type);

/// Return `CREATE TABLE <name> (...)` with the data columns (no partition columns).
std::string CreateTableSql(std::string_view table_name);

/// Return a SELECT yielding zero rows with every data and partition column, correctly typed.
std::string EmptySelectSql();

/// Return the Athena `CREATE EXTERNAL TABLE` for the dataset stored at `location` (s3://...).
std::string GlueTableDdl(std::string_view database, std::string_view location);

/// Return docs/schema.md.
std::string SchemaMarkdown();

}  // namespace adxm

// Mapping files: who an account is, and which data set an access point serves.
//
//   subscribers CSV: header with account_id and name (any order, any case), plus optional extra
//                    columns (tier, contract_end, ...) shown as "tier=gold; contract_end=2024-06-30".
//   datasets CSV:    header with access_point_arn and dataset, plus optional extra columns.
// Every error names the file and line: a missing column, a wrong field count, a malformed account
// id or ARN, an empty name, a duplicate key (never a silent overwrite), bad UTF-8.
// InstallMappings loads both into the query connection as the tables adxm_subscriber_map and
// adxm_dataset_map (always created, empty without a file), through prepared statements.
//
// Thread-safety: plain values; InstallMappings uses the connection from the calling thread.
// Example:
//   ADXM_ASSIGN_OR_RETURN(Mapping subscribers, LoadMapping(MappingKind::kSubscribers, "subs.csv"));
//   ADXM_RETURN_IF_ERROR(InstallMappings(engine->connection(), &subscribers, nullptr));
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/duckdb.h"

namespace adxm {

/// Which mapping a file holds.
enum class MappingKind {
  kSubscribers,  // account_id -> name.
  kDatasets,     // access_point_arn -> dataset.
};

/// One row of a mapping.
struct MappingEntry {
  std::string key;         // Account id or access point ARN.
  std::string value;       // Subscriber name or data set name.
  std::string attributes;  // Extra columns, "column=value; ..." (empty values left out).
  int line = 0;            // Line in the file.
};

/// A loaded mapping file.
struct Mapping {
  MappingKind kind = MappingKind::kSubscribers;
  std::string file;                   // Path as given, for messages.
  std::vector<MappingEntry> entries;  // In file order; keys are unique.
};

/// Parse a mapping from `text` (named `file` in errors).
Result<Mapping> ParseMapping(MappingKind kind, std::string_view text, const std::string& file);

/// Read and parse the mapping file at `path`.
Result<Mapping> LoadMapping(MappingKind kind, const std::filesystem::path& path);

/// Create adxm_subscriber_map and adxm_dataset_map on `conn` and fill them (either may be null).
Status InstallMappings(Connection* conn, const Mapping* subscribers, const Mapping* datasets);

/// Return true for a 12-digit account id or "anonymous".
bool IsAccountId(std::string_view text);

/// Return true for an S3 access point ARN: arn:<partition>:s3:<region>:<12 digits>:accesspoint/<name>.
bool IsAccessPointArn(std::string_view text);

}  // namespace adxm

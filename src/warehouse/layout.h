// Where things live inside a warehouse, as store keys (docs/manifest_format.md):
//
//   adx_for_s3_metrics/year=YYYY/month=MM/day=DD/part-<txn>.parquet   visible data (Hive layout)
//   _adxmetrics/data/year=YYYY/month=MM/day=DD/part-<txn>.parquet     the same files, stable copies
//   _adxmetrics/log/<txn>.json          one commit each (the commit point), put-if-absent
//   _adxmetrics/checkpoint/<txn>.json   the state at <txn>: live files, ledger, object index parts
//   _adxmetrics/objects/<part>-<txn>.idx  the processed-object index, one file per log day
//   _adxmetrics/leases/<txn>-<pid>-<n>  snapshots in use (readers)
//   _adxmetrics/LOCK                    held by the running ingest; names its holder
//   _adxmetrics/manifest                the single-file manifest of format 1 (migrated on open)
//
// Readers that list the table folder (Athena, Trino, Spark, read_parquet('…/**')) skip names
// starting with '_' or '.'; everything of the warehouse's own lives under such names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adxm {

/// The table folder, the metadata folder and their parts, as store keys.
struct WarehouseLayout {
  static constexpr std::string_view kTablePrefix = "adx_for_s3_metrics/";
  static constexpr std::string_view kMetaPrefix = "_adxmetrics/";
  static constexpr std::string_view kDataPrefix = "_adxmetrics/data/";
  static constexpr std::string_view kLogPrefix = "_adxmetrics/log/";
  static constexpr std::string_view kCheckpointPrefix = "_adxmetrics/checkpoint/";
  static constexpr std::string_view kObjectsPrefix = "_adxmetrics/objects/";
  static constexpr std::string_view kLeasePrefix = "_adxmetrics/leases/";
  static constexpr std::string_view kLockKey = "_adxmetrics/LOCK";
  static constexpr std::string_view kLegacyManifestKey = "_adxmetrics/manifest";
  static constexpr std::string_view kLegacyStagingPrefix = "_adxmetrics/staging/";

  /// Visible key of a data file named relative to the table folder.
  static std::string VisibleKey(std::string_view relative);
  /// Stable (hidden) key of a data file named relative to the table folder.
  static std::string DataKey(std::string_view relative);
  /// Key of the log entry of commit `txn`.
  static std::string LogKey(uint64_t txn);
  /// Key of the checkpoint at `txn`.
  static std::string CheckpointKey(uint64_t txn);
  /// Key of an object index part for log day `part` written at `txn`.
  static std::string ObjectIndexKey(std::string_view part, uint64_t txn);
  /// Parse the txn of a log or checkpoint key ("…/00000000000000000042.json"); 0 if it is not one.
  static uint64_t TxnOfKey(std::string_view key);

  /// Data file name for a day's partition folder and a txn: "year=…/day=01/part-0000000042.parquet".
  static std::string DataFileName(std::string_view partition_dir, uint64_t txn);
  /// The txn in a data file name (IsDataFileName must hold).
  static uint64_t TxnOfDataFile(std::string_view relative);
  /// True when `relative` has the shape of a data file the warehouse writes.
  static bool IsDataFileName(std::string_view relative);
  /// True when a table-relative name is hidden from Hive-style readers (a part starts with '_' or '.').
  static bool IsHidden(std::string_view relative);
};

/// Return the partition folder of a day since the epoch: "year=2023/month=05/day=01".
std::string PartitionDir(int64_t day);

}  // namespace adxm

// Where things live inside a warehouse directory.
//
//   <root>/adx_for_s3_metrics/year=YYYY/month=MM/day=DD/part-<txn>-<n>.parquet   data (Hive layout)
//   <root>/_adxmetrics/manifest      the commit log (see manifest.h)
//   <root>/_adxmetrics/LOCK          held by the running ingest; names its holder
//   <root>/_adxmetrics/staging/      files being written; emptied at every start
#pragma once

#include <filesystem>

#include "schema/schema.h"

namespace adxm {

class WarehouseLayout {
 public:
  explicit WarehouseLayout(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path table_dir() const { return root_ / std::string(kTableName); }
  std::filesystem::path meta_dir() const { return root_ / "_adxmetrics"; }
  std::filesystem::path manifest_path() const { return meta_dir() / "manifest"; }
  std::filesystem::path lock_path() const { return meta_dir() / "LOCK"; }
  std::filesystem::path staging_dir() const { return meta_dir() / "staging"; }

 private:
  std::filesystem::path root_;
};

}  // namespace adxm

// ParquetReader: reads curated rows back from the dataset's Parquet files, through DuckDB.
//
// Dedup needs the eventIDs a day already holds, and compaction needs whole rows; both
// stream DuckDB data chunks, so memory follows the batch size, not the files' size.
// DuckDB is opened on first use: a run that adds only new days never starts it.
//
// Thread-safety: every method may be called from several threads at once (each call
// uses its own connection).
// Example:
//   ParquetReader reader(/*threads=*/1);
//   ADXM_RETURN_IF_ERROR(reader.ReadEventIds(files, &ids));
//   ADXM_RETURN_IF_ERROR(reader.ScanRows(files, 32 << 20, [&](const RowBatch& rows) { ... }));
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "ingest/event_id_set.h"
#include "db/duckdb.h"
#include "schema/row_batch.h"

namespace adxm {

class ParquetReader {
 public:
  /// `threads`: DuckDB threads per query (0 = DuckDB's default).
  explicit ParquetReader(int threads) : threads_(threads) {}

  /// Add the eventIDs stored in `files` to `ids`.
  Status ReadEventIds(const std::vector<std::filesystem::path>& files, EventIdSet* ids);

  /// Call `consume` with each non-NULL value of the VARCHAR `column` of `files`.
  Status ReadColumn(const std::vector<std::filesystem::path>& files, std::string_view column,
                    const std::function<void(std::string_view)>& consume);

  /// Call `consume` with the rows of `files`, in batches of about `batch_bytes` (RowBatch::ByteSize).
  /// The batch passed to `consume` is reused after it returns.
  Status ScanRows(const std::vector<std::filesystem::path>& files, size_t batch_bytes,
                  const std::function<Status(const RowBatch&)>& consume);

 private:
  Result<std::unique_ptr<Connection>> Connect();

  const int threads_;
  std::mutex mu_;
  std::unique_ptr<Database> db_;  // Guarded by mu_ until opened.
};

/// Return a DuckDB list literal of quoted paths: ['a', 'b'].
std::string PathListSql(const std::vector<std::filesystem::path>& files);

}  // namespace adxm

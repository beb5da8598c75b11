// ParquetWriter: turns RowBatches into Parquet files of the curated schema, through DuckDB.
//
// Rows go into DuckDB as whole data chunks (never row-at-a-time), then COPY writes
// one zstd Parquet file. It also reads back what dedup and compaction need.
// Thread-safety: none; one writer per ingest (it owns a private in-memory DuckDB).
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto writer, ParquetWriter::Make(/*threads=*/2));
//   ADXM_RETURN_IF_ERROR(writer->Write(day_rows, staging / "part.parquet"));
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "base/status.h"
#include "dataset/event_id_set.h"
#include "db/duckdb.h"
#include "schema/row_batch.h"

namespace adxm {

class ParquetWriter {
 public:
  /// Make a writer whose DuckDB uses `threads` threads (0 = DuckDB's default).
  static Result<std::unique_ptr<ParquetWriter>> Make(int threads);

  /// Write every row of `rows` to a new Parquet file at `path` (zstd, INT64 UTC timestamps).
  Status Write(const RowBatch& rows, const std::filesystem::path& path);

  /// Add the eventIDs stored in `files` to `ids`.
  Status ReadEventIds(const std::vector<std::filesystem::path>& files, EventIdSet* ids);

  /// Write the rows of `inputs` into one new file `output` (compaction).
  Status Merge(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& output);

 private:
  ParquetWriter(std::unique_ptr<Database> db, std::unique_ptr<Connection> conn)
      : db_(std::move(db)), conn_(std::move(conn)) {}
  Status AppendRows(const RowBatch& rows);

  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
};

/// Return a DuckDB list literal of quoted paths: ['a', 'b'].
std::string PathListSql(const std::vector<std::filesystem::path>& files);

}  // namespace adxm

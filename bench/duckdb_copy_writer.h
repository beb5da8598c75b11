// DuckDbCopyWriter: the baseline adxm_bench_parquet_write compares the native writer
// (parquet/parquet_file_writer.h) against — the best way to write curated rows through DuckDB.
//
// Rows stay where extraction put them: the writer registers a table function that
// scans RowRefs straight into DuckDB data chunks, and COPY streams those chunks into
// one zstd Parquet file (no intermediate table, never row-at-a-time).
//
// Thread-safety: one Write at a time.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto writer, DuckDbCopyWriter::Make(/*threads=*/1));
//   ADXM_RETURN_IF_ERROR(writer->Write(day_rows, staging / "part.parquet"));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "db/duckdb.h"
#include "schema/row_batch.h"

namespace adxm {

class DuckDbCopyWriter {
 public:
  /// Make a writer whose DuckDB uses `threads` threads (0 = DuckDB's default).
  static Result<std::unique_ptr<DuckDbCopyWriter>> Make(int threads);

  /// Write `rows` to a new Parquet file at `path` (zstd, INT64 UTC timestamps).
  Status Write(std::span<const RowRef> rows, const std::filesystem::path& path);

  /// What the registered table function scans; public for the C callbacks only.
  struct ScanSource {
    std::span<const RowRef> rows;
  };

 private:
  DuckDbCopyWriter(std::unique_ptr<Database> db, std::unique_ptr<Connection> write_conn)
      : db_(std::move(db)), write_conn_(std::move(write_conn)) {}

  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> write_conn_;
  ScanSource source_;                       // Rows of the Write in progress.
};

}  // namespace adxm

// ParquetWriter: turns rows of the curated schema into Parquet files, through DuckDB.
//
// Rows stay where extraction put them: the writer registers a table function that
// scans RowRefs straight into DuckDB data chunks, and COPY streams those chunks into
// one zstd Parquet file (no intermediate table, never row-at-a-time). It also reads
// back what dedup and compaction need, on a second connection so that reads may
// run on one thread while a write runs on another.
//
// Thread-safety: at most one Write/Merge at a time, and at most one ReadEventIds at a
// time; the two kinds may overlap.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto writer, ParquetWriter::Make(/*threads=*/1));
//   ADXM_RETURN_IF_ERROR(writer->Write(day_rows, staging / "part.parquet"));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
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

  /// Write `rows` to a new Parquet file at `path` (zstd, INT64 UTC timestamps).
  Status Write(std::span<const RowRef> rows, const std::filesystem::path& path);

  /// Add the eventIDs stored in `files` to `ids`.
  Status ReadEventIds(const std::vector<std::filesystem::path>& files, EventIdSet* ids);

  /// Write the rows of `inputs` into one new file `output` (compaction).
  Status Merge(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& output);

  /// What the registered table function scans; public for the C callbacks only.
  struct ScanSource {
    std::span<const RowRef> rows;
  };

 private:
  ParquetWriter(std::unique_ptr<Database> db, std::unique_ptr<Connection> write_conn,
                std::unique_ptr<Connection> read_conn)
      : db_(std::move(db)), write_conn_(std::move(write_conn)), read_conn_(std::move(read_conn)) {}

  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> write_conn_;  // Write and Merge.
  std::unique_ptr<Connection> read_conn_;   // ReadEventIds.
  ScanSource source_;                       // Rows of the Write in progress.
};

/// Return a DuckDB list literal of quoted paths: ['a', 'b'].
std::string PathListSql(const std::vector<std::filesystem::path>& files);

}  // namespace adxm

// ParquetFileWriter: writes rows of the curated schema (schema/schema.h) into one Parquet file,
// natively: no DuckDB, one row group per WriteRowGroup call, zstd pages, dictionary encoding for
// repetitive string columns, min/max/null-count statistics. Memory is bounded by one row group's
// compressed pages plus one page buffer per column (and the footer's metadata), not by the file.
// See src/parquet/README.md for the encodings.
//
// Thread-safety: none; one writer per thread. Writers for different files are independent.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto writer, ParquetFileWriter::Create(std::move(file), "day=01/part.parquet"));
//   ADXM_RETURN_IF_ERROR(writer->WriteRowGroup(rows));
//   ADXM_RETURN_IF_ERROR(writer->Close());
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/writable_file.h"
#include "parquet/metadata.h"
#include "schema/row_batch.h"

namespace adxm {

class ColumnChunkWriter;
class ZstdCompressor;

/// Return FileMetaData.created_by in the form parquet-mr parses (Spark, Hive and parquet-java
/// check it to decide whether to trust string statistics): "adxmetrics version 0.1.0 (build <sha>)".
std::string DefaultCreatedBy();

/// How a ParquetFileWriter encodes its pages.
struct ParquetWriteOptions {
  int zstd_level = 1;                       // zstd level of pages (negative: faster, larger).
  // zstd level of the PLAIN pages of string chunks whose values are mostly distinct (eventID,
  // request_id): they hold no repeats for zstd's match finder to find, only hex-like text that
  // entropy coding halves, so a fast level (literals still Huffman-coded) loses little size.
  int distinct_zstd_level = -5;
  size_t page_bytes = 1 << 20;              // A data page is cut after ~this many uncompressed value bytes.
  size_t max_dictionary_bytes = 1 << 20;    // Past this, a chunk's remaining pages switch to PLAIN.
  // Threads encoding a row group, each its share of the columns with zstd contexts of its own.
  // The file's bytes do not depend on it.
  int encode_threads = 1;
  std::string created_by = DefaultCreatedBy();  // FileMetaData.created_by.
};

class ParquetFileWriter {
 public:
  /// Write a Parquet file into `file` (named `name` in messages), starting with the "PAR1" magic.
  static Result<std::unique_ptr<ParquetFileWriter>> Create(std::unique_ptr<WritableFile> file, std::string name,
                                                           const ParquetWriteOptions& options = {});
  /// Write a Parquet file at the local `path` (created or truncated).
  static Result<std::unique_ptr<ParquetFileWriter>> CreateLocal(const std::filesystem::path& path,
                                                                const ParquetWriteOptions& options = {});
  /// Without Close() the file is incomplete (no footer).
  ~ParquetFileWriter();
  ParquetFileWriter(const ParquetFileWriter&) = delete;
  ParquetFileWriter& operator=(const ParquetFileWriter&) = delete;

  /// Write `rows` (curated schema, kColumns order) as one row group; an empty span writes nothing.
  Status WriteRowGroup(std::span<const RowRef> rows);

  /// Append row groups of another file by copying their bytes (no decoding, no re-encoding).
  /// `groups` must be that file's row groups as its ParquetFileWriter reported them
  /// (row_groups()); compaction uses this for files written earlier in the same run.
  /// `read` reads the source file; `source` names it in messages.
  Status CopyRowGroups(const ReadRangeFn& read, std::string_view source, std::span<const RowGroupInfo> groups);

  /// Row groups written so far, with their offsets in this file.
  const std::vector<RowGroupInfo>& row_groups() const { return row_groups_; }

  /// Write the footer, sync and close the file: it is durable when Close returns.
  Status Close();
  /// Write the footer and hand back the complete file, not yet synced or closed: callers that
  /// write several files sync them together (ParallelFor), then close them.
  Result<std::unique_ptr<WritableFile>> Finish();

  /// Rows written so far.
  uint64_t rows_written() const { return rows_written_; }
  /// Bytes written so far (the whole file once closed).
  uint64_t bytes_written() const { return static_cast<uint64_t>(offset_); }

 private:
  // The zstd contexts of one encoding thread, shared by the chunk writers of its columns.
  struct Compressors {
    std::unique_ptr<ZstdCompressor> zstd;
    std::unique_ptr<ZstdCompressor> distinct_zstd;  // Pages of mostly distinct strings.
  };
  static Result<Compressors> MakeCompressors(const ParquetWriteOptions& options);
  ParquetFileWriter(std::string name, std::unique_ptr<WritableFile> file, ParquetWriteOptions options,
                    std::vector<Compressors> compressors);
  // Encode and finish every column chunk of `rows`; chunks[c] gets column c's metadata, its
  // offsets relative to the chunk's start.
  Status EncodeRowGroup(std::span<const RowRef> rows, std::vector<ColumnChunkInfo>* chunks);
  // Deal the columns to the encoding threads by the estimated cost of encoding `rows`.
  void SplitColumns(std::span<const RowRef> rows);
  // The same for `columns` (one thread's share).
  Status EncodeColumns(std::span<const RowRef> rows, std::span<const int> columns, std::vector<ColumnChunkInfo>* chunks);
  void GatherSlice(std::span<const RowRef> slice, std::span<const int> columns);
  Status Append(std::string_view data);
  Status Flush();

  std::string path_;                   // The file's name, for messages.
  std::unique_ptr<WritableFile> file_;  // Null once closed.
  ParquetWriteOptions options_;
  std::vector<Compressors> compressors_;           // One per encoding thread.
  std::vector<std::vector<int>> column_groups_;    // Each encoding thread's columns.
  std::vector<ColumnChunkWriter> chunk_writers_;  // One per column, in kColumns order.
  // The slice of rows being encoded, gathered column by column.
  std::array<std::vector<std::string_view>, kNumColumns> slice_strings_;  // VARCHAR columns.
  std::array<std::vector<int64_t>, kNumColumns> slice_ints_;              // BIGINT/TIMESTAMP columns.
  std::array<std::vector<uint8_t>, kNumColumns> slice_valid_;             // BIGINT/TIMESTAMP columns.
  std::vector<RowGroupInfo> row_groups_;
  std::string pending_;  // Bytes not yet handed to file_.
  int64_t offset_ = 0;  // Bytes written so far (pending_ included).
  uint64_t rows_written_ = 0;
  Status failed_;  // The first write error; the file is unusable after it.
};

}  // namespace adxm

// ColumnChunkWriter: encodes one column of a row group into Parquet pages — an optional
// dictionary page, then data pages (v1: RLE definition levels, then RLE_DICTIONARY indices or
// PLAIN values), each zstd-compressed — and computes the chunk's metadata and statistics.
//
// String columns start dictionary-encoded and sample the first kSampleValues values: mostly
// distinct values (eventID, request_id) restart as PLAIN before paying for much hashing. A
// dictionary outgrowing max_dictionary_bytes ends it: the chunk's later pages are PLAIN.
// Integer columns are PLAIN. Buffers are reused from chunk to chunk.
//
// Thread-safety: none.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto chunks, ColumnChunkWriter::Make(options));
//   ADXM_RETURN_IF_ERROR(chunks->Encode(rows, kEventName, file_offset, &info));
//   write(chunks->dictionary_page()); write(chunks->data_pages());
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "parquet/metadata.h"
#include "parquet/parquet_file_writer.h"
#include "parquet/string_dictionary.h"
#include "parquet/zstd_compressor.h"
#include "schema/row_batch.h"

namespace adxm {

class ColumnChunkWriter {
 public:
  /// Non-NULL values a string chunk dictionary-encodes before deciding whether to go on.
  static constexpr size_t kSampleValues = 4096;
  /// Longest string min/max stored in statistics; longer ones are omitted, not truncated.
  static constexpr size_t kMaxStatisticsBytes = 64;

  /// Make a writer with `options`' page size, dictionary limit and zstd level.
  static Result<std::unique_ptr<ColumnChunkWriter>> Make(const ParquetWriteOptions& options);

  /// Encode `column` of `rows` as a chunk that will start at `file_offset`; fill `info`.
  Status Encode(std::span<const RowRef> rows, ColumnId column, int64_t file_offset, ColumnChunkInfo* info);

  /// The dictionary page (header and body) of the last chunk; empty when it has none.
  std::string_view dictionary_page() const { return dictionary_page_; }
  /// The data pages of the last chunk, to be written right after dictionary_page().
  std::string_view data_pages() const { return data_pages_; }

 private:
  enum class Mode { kSampling, kDictionary, kPlain };

  ColumnChunkWriter(const ParquetWriteOptions& options, std::unique_ptr<ZstdCompressor> zstd);

  void Reset(ColumnId column);
  Status EncodeStrings(std::span<const RowRef> rows);
  Result<size_t> EncodeDictionary(std::span<const RowRef> rows, size_t row);
  Result<size_t> EncodePlainStrings(std::span<const RowRef> rows, size_t row);
  Status EncodeIntegers(std::span<const RowRef> rows);
  bool DictionaryPays() const;
  Status FlushPage();
  Status AppendPage(PageHeaderInfo page, std::string_view body, std::string* out);
  Status Finish(int64_t file_offset, ColumnChunkInfo* info);
  void FinishStringStatistics(ChunkStatistics* stats) const;

  ParquetWriteOptions options_;
  std::unique_ptr<ZstdCompressor> zstd_;

  // The chunk being encoded.
  ColumnId column_ = kEventId;
  Mode mode_ = Mode::kPlain;
  StringDictionary dictionary_;
  bool wrote_dictionary_pages_ = false;
  bool wrote_plain_pages_ = false;
  int64_t null_count_ = 0;
  int64_t uncompressed_bytes_ = 0;  // Page headers + bodies.
  int64_t compressed_bytes_ = 0;
  bool has_plain_min_max_ = false;  // Over PLAIN-encoded values only; the dictionary has its own.
  std::string_view plain_min_, plain_max_;  // Point into the rows' batches.
  int64_t int_min_ = 0, int_max_ = 0;

  // The page being filled.
  std::vector<uint8_t> levels_;    // Definition level per cell: 1 value, 0 NULL.
  std::vector<uint32_t> indices_;  // Dictionary mode: index per non-NULL cell.
  std::string values_;             // PLAIN mode: encoded values.

  // Scratch and output.
  std::string body_;
  std::string compressed_;
  std::string dictionary_page_;
  std::string data_pages_;
};

}  // namespace adxm

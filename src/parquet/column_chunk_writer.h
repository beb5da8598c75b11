// ColumnChunkWriter: encodes one column of a row group into Parquet pages — an optional
// dictionary page, then data pages (v1: RLE definition levels, then RLE_DICTIONARY indices or
// PLAIN values), each zstd-compressed — and computes the chunk's metadata and statistics.
//
// eventID and request_id, unique per row, are PLAIN with the faster zstd level of distinct
// values. Other string chunks start dictionary-encoded and sample the first kSampleValues values:
// mostly distinct values switch to PLAIN before paying for much hashing (the sample is re-encoded
// from the dictionary), and their pages get the faster level too. A dictionary outgrowing
// max_dictionary_bytes ends it: the chunk's later pages are PLAIN. Integer chunks are PLAIN.
//
// Cells arrive in slices, already gathered out of the RowBatches by the file writer; string
// values are views into the batches, which must outlive the chunk. Buffers are reused from chunk
// to chunk.
//
// Thread-safety: none.
// Example:
//   ColumnChunkWriter chunk(options, &zstd);
//   chunk.Begin(kEventName);
//   ADXM_RETURN_IF_ERROR(chunk.AppendStrings(slice));  // ... every slice in order
//   ADXM_RETURN_IF_ERROR(chunk.Finish(file_offset, &info));
//   write(chunk.dictionary_page()); write(chunk.data_pages());
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "parquet/metadata.h"
#include "parquet/parquet_file_writer.h"
#include "parquet/string_dictionary.h"
#include "parquet/zstd_compressor.h"

namespace adxm {

class ColumnChunkWriter {
 public:
  /// Non-NULL values a string chunk dictionary-encodes before deciding whether to go on.
  static constexpr size_t kSampleValues = 4096;
  /// Most cells in one data page (as parquet-cpp's 20,000-row default, it keeps the level and
  /// index buffers small whatever page_bytes says).
  static constexpr size_t kMaxPageCells = 32768;
  /// Longest string min/max stored in statistics; longer ones are omitted, not truncated.
  static constexpr size_t kMaxStatisticsBytes = 64;

  /// Make a writer with `options`' page size and dictionary limit, compressing with `zstd`, or
  /// with `distinct_zstd` the PLAIN pages of a string chunk whose sample was mostly distinct.
  ColumnChunkWriter(const ParquetWriteOptions& options, ZstdCompressor* zstd, ZstdCompressor* distinct_zstd);

  /// Compress with these from now on (a chunk moved to another encoding thread's contexts).
  void SetCompressors(ZstdCompressor* zstd, ZstdCompressor* distinct_zstd) {
    zstd_ = zstd;
    distinct_zstd_ = distinct_zstd;
  }

  /// Start a chunk of `column`.
  void Begin(ColumnId column);
  /// Append the chunk's next VARCHAR cells; a value whose data() is nullptr is NULL.
  Status AppendStrings(std::span<const std::string_view> values);
  /// Append the chunk's next BIGINT/TIMESTAMP cells; valid[i] == 0 makes cell i NULL.
  Status AppendIntegers(std::span<const int64_t> values, std::span<const uint8_t> valid);
  /// End the chunk, which will start at `file_offset` in the file; fill `info`.
  Status Finish(int64_t file_offset, ColumnChunkInfo* info);

  /// The dictionary page (header and body) of the last chunk; empty when it has none.
  std::string_view dictionary_page() const { return dictionary_page_; }
  /// The data pages of the last chunk, to be written right after dictionary_page().
  std::string_view data_pages() const { return data_pages_; }

 private:
  enum class Mode { kSampling, kDictionary, kPlain };

  Result<size_t> EncodeDictionary(std::span<const std::string_view> values);
  Status EncodePlainStrings(std::span<const std::string_view> values);
  bool DictionaryPays() const;
  void SwitchSampleToPlain();
  void UpdatePlainMinMax(std::string_view value);
  // Bytes of PLAIN values in the page being filled.
  size_t PlainBytes() const;
  Status FlushPage();
  Status AppendPage(PageHeaderInfo page, std::string_view body, std::string* out);
  void FinishStringStatistics(ChunkStatistics* stats) const;

  ParquetWriteOptions options_;
  ZstdCompressor* zstd_;
  ZstdCompressor* distinct_zstd_;

  // The chunk being encoded.
  ColumnId column_ = kEventId;
  Mode mode_ = Mode::kPlain;
  bool distinct_ = false;  // The sample was mostly distinct values: PLAIN pages use distinct_zstd_.
  StringDictionary dictionary_;
  bool wrote_dictionary_pages_ = false;
  bool wrote_plain_pages_ = false;
  int32_t dictionary_data_pages_ = 0;  // Data pages of each encoding, for encoding_stats.
  int32_t plain_data_pages_ = 0;
  int64_t num_values_ = 0;
  int64_t null_count_ = 0;
  int64_t uncompressed_bytes_ = 0;  // Page headers + bodies.
  int64_t compressed_bytes_ = 0;
  bool has_plain_min_max_ = false;  // Over PLAIN-encoded values only; the dictionary has its own.
  std::string plain_min_, plain_max_;
  int64_t int_min_ = 0, int_max_ = 0;
  std::string_view previous_;  // Dictionary mode: the last value and its index.
  uint32_t previous_index_ = 0;
  bool has_previous_ = false;

  // The page being filled.
  std::vector<uint8_t> levels_;    // Definition level per cell: 1 value, 0 NULL.
  std::vector<uint32_t> indices_;  // Dictionary mode: index per non-NULL cell.
  std::string values_;             // PLAIN mode: room for the levels, then the encoded values.

  // Scratch and output.
  std::string body_;               // Levels (and dictionary indices) of the page being flushed.
  std::string dictionary_page_;
  std::string data_pages_;
};

}  // namespace adxm

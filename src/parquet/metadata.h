// Parquet metadata for the curated schema: page headers and the file footer (FileMetaData), as
// Thrift compact bytes. Field ids and enum values are those of parquet.thrift (parquet-format 2.x).
//
// Thread-safety: pure functions over values.
// Example:
//   std::string header;
//   AppendDataPageHeader(page, &header);
//   std::string footer = SerializeFileMetaData(row_groups, num_rows, "adxmetrics");
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schema/schema.h"

namespace adxm {

/// Parquet physical types we write.
enum class PhysicalType : int32_t { kInt64 = 2, kByteArray = 6 };

/// Parquet encodings we write.
enum class Encoding : int32_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };

/// Return the physical type that stores `type`.
PhysicalType PhysicalTypeOf(ColumnType type);

/// One page's header fields (the page body follows the header in the file).
struct PageHeaderInfo {
  bool dictionary = false;           // DICTIONARY_PAGE, else DATA_PAGE (v1).
  int32_t num_values = 0;            // Data page: values including NULLs; dictionary page: entries.
  Encoding encoding = Encoding::kPlain;  // Encoding of the values.
  int32_t uncompressed_size = 0;     // Body bytes before compression.
  int32_t compressed_size = 0;       // Body bytes as stored.
};

/// Append the Thrift PageHeader for `page` to `out`.
void AppendPageHeader(const PageHeaderInfo& page, std::string* out);

/// Column chunk statistics; min/max are PLAIN-encoded values (8 bytes LE for INT64).
struct ChunkStatistics {
  int64_t null_count = 0;                // NULL cells in the chunk.
  std::optional<std::string> min_value;  // Absent: no non-NULL value, or too long to store.
  std::optional<std::string> max_value;  // Present exactly when min_value is.
};

/// How many pages of a chunk have one page type and encoding (parquet.thrift PageEncodingStats).
struct PageEncodingCount {
  bool dictionary_page = false;  // DICTIONARY_PAGE, else DATA_PAGE.
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

/// Metadata of one column chunk.
struct ColumnChunkInfo {
  ColumnId column = kEventId;               // Which curated column.
  std::vector<Encoding> encodings;          // Every encoding used (values and levels).
  int64_t num_values = 0;                   // Cells including NULLs.
  int64_t total_uncompressed_size = 0;      // Page headers + bodies before compression.
  int64_t total_compressed_size = 0;        // Page headers + bodies as stored.
  int64_t data_page_offset = 0;             // File offset of the first data page.
  std::optional<int64_t> dictionary_page_offset;  // File offset of the dictionary page, if any.
  ChunkStatistics statistics;               // For readers' filter pushdown.
  std::vector<PageEncodingCount> encoding_stats;  // Pages per (type, encoding).
};

/// Move `chunk`'s page offsets `shift` bytes later in the file (its bytes were written, or
/// copied, at a position other than the one they were numbered from).
inline void ShiftPageOffsets(ColumnChunkInfo* chunk, int64_t shift) {
  chunk->data_page_offset += shift;
  if (chunk->dictionary_page_offset) *chunk->dictionary_page_offset += shift;
}

/// Metadata of one row group: one chunk per curated column, in kColumns order.
struct RowGroupInfo {
  std::vector<ColumnChunkInfo> columns;  // kNumColumns entries.
  int64_t num_rows = 0;                  // Rows in the group.
  int64_t file_offset = 0;               // Offset of the group's first page.
  int64_t total_byte_size = 0;           // Sum of the chunks' uncompressed sizes.
  int64_t total_compressed_size = 0;     // Sum of the chunks' compressed sizes.
};

/// Return the Thrift FileMetaData of a file holding `row_groups` of the curated schema.
std::string SerializeFileMetaData(std::span<const RowGroupInfo> row_groups, std::string_view created_by);

}  // namespace adxm

#include "parquet/metadata.h"

#include "parquet/thrift_compact.h"

namespace adxm {
namespace {

// parquet.thrift enum values.
constexpr int32_t kDataPage = 0;
constexpr int32_t kDictionaryPage = 2;
constexpr int32_t kOptional = 1;
constexpr int32_t kCodecZstd = 6;
constexpr int32_t kConvertedUtf8 = 0;
constexpr int32_t kConvertedTimestampMicros = 10;
constexpr int32_t kConvertedInt64 = 18;

// LogicalType union members: STRING = 1, TIMESTAMP = 8, INTEGER = 10.
void WriteLogicalType(ColumnType type, ThriftCompactWriter* writer) {
  writer->BeginStructField(10);  // SchemaElement.logicalType
  switch (type) {
    case ColumnType::kVarchar:
      writer->BeginStructField(1);  // StringType {}
      writer->EndStruct();
      break;
    case ColumnType::kBigint:
      writer->BeginStructField(10);  // IntType {bitWidth, isSigned}
      writer->I8Field(1, 64);
      writer->BoolField(2, true);
      writer->EndStruct();
      break;
    case ColumnType::kTimestamp:
      writer->BeginStructField(8);  // TimestampType {isAdjustedToUTC, unit}
      writer->BoolField(1, true);
      writer->BeginStructField(2);  // TimeUnit union: MICROS = 2
      writer->BeginStructField(2);
      writer->EndStruct();
      writer->EndStruct();
      writer->EndStruct();
      break;
  }
  writer->EndStruct();
}

int32_t ConvertedType(ColumnType type) {
  switch (type) {
    case ColumnType::kVarchar: return kConvertedUtf8;
    case ColumnType::kBigint: return kConvertedInt64;
    case ColumnType::kTimestamp: return kConvertedTimestampMicros;
  }
  return kConvertedUtf8;
}

// The root group, then one OPTIONAL leaf per curated column.
void WriteSchema(ThriftCompactWriter* writer) {
  writer->BeginListField(2, ThriftType::kStruct, kNumColumns + 1);
  writer->BeginStructElement();
  writer->BinaryField(4, "schema");
  writer->I32Field(5, kNumColumns);
  writer->EndStruct();
  for (const Column& column : kColumns) {
    writer->BeginStructElement();
    writer->I32Field(1, static_cast<int32_t>(PhysicalTypeOf(column.type)));
    writer->I32Field(3, kOptional);
    writer->BinaryField(4, column.name);
    writer->I32Field(6, ConvertedType(column.type));
    WriteLogicalType(column.type, writer);
    writer->EndStruct();
  }
}

void WriteStatistics(const ChunkStatistics& stats, ThriftCompactWriter* writer) {
  writer->BeginStructField(12);  // ColumnMetaData.statistics
  writer->I64Field(3, stats.null_count);
  if (stats.min_value && stats.max_value) {
    writer->BinaryField(5, *stats.max_value);
    writer->BinaryField(6, *stats.min_value);
  }
  writer->EndStruct();
}

void WriteColumnChunk(const ColumnChunkInfo& chunk, ThriftCompactWriter* writer) {
  const Column& column = kColumns[chunk.column];
  writer->BeginStructElement();
  // file_offset: where the chunk starts (what parquet-mr and DuckDB write).
  writer->I64Field(2, chunk.dictionary_page_offset.value_or(chunk.data_page_offset));
  writer->BeginStructField(3);  // ColumnMetaData
  writer->I32Field(1, static_cast<int32_t>(PhysicalTypeOf(column.type)));
  writer->BeginListField(2, ThriftType::kI32, chunk.encodings.size());
  for (Encoding encoding : chunk.encodings) writer->I32Element(static_cast<int32_t>(encoding));
  writer->BeginListField(3, ThriftType::kBinary, 1);
  writer->BinaryElement(column.name);
  writer->I32Field(4, kCodecZstd);
  writer->I64Field(5, chunk.num_values);
  writer->I64Field(6, chunk.total_uncompressed_size);
  writer->I64Field(7, chunk.total_compressed_size);
  writer->I64Field(9, chunk.data_page_offset);
  if (chunk.dictionary_page_offset) writer->I64Field(11, *chunk.dictionary_page_offset);
  WriteStatistics(chunk.statistics, writer);
  writer->BeginListField(13, ThriftType::kStruct, chunk.encoding_stats.size());  // encoding_stats
  for (const PageEncodingCount& pages : chunk.encoding_stats) {
    writer->BeginStructElement();
    writer->I32Field(1, pages.dictionary_page ? kDictionaryPage : kDataPage);
    writer->I32Field(2, static_cast<int32_t>(pages.encoding));
    writer->I32Field(3, pages.count);
    writer->EndStruct();
  }
  writer->EndStruct();  // ColumnMetaData
  writer->EndStruct();  // ColumnChunk
}

void WriteRowGroup(const RowGroupInfo& group, ThriftCompactWriter* writer) {
  writer->BeginStructElement();
  writer->BeginListField(1, ThriftType::kStruct, group.columns.size());
  for (const ColumnChunkInfo& chunk : group.columns) WriteColumnChunk(chunk, writer);
  writer->I64Field(2, group.total_byte_size);
  writer->I64Field(3, group.num_rows);
  writer->I64Field(5, group.file_offset);
  writer->I64Field(6, group.total_compressed_size);
  writer->EndStruct();
}

}  // namespace

PhysicalType PhysicalTypeOf(ColumnType type) {
  return type == ColumnType::kVarchar ? PhysicalType::kByteArray : PhysicalType::kInt64;
}

void AppendPageHeader(const PageHeaderInfo& page, std::string* out) {
  ThriftCompactWriter writer(out);
  writer.I32Field(1, page.dictionary ? kDictionaryPage : kDataPage);
  writer.I32Field(2, page.uncompressed_size);
  writer.I32Field(3, page.compressed_size);
  if (page.dictionary) {
    writer.BeginStructField(7);  // DictionaryPageHeader
    writer.I32Field(1, page.num_values);
    writer.I32Field(2, static_cast<int32_t>(Encoding::kPlain));
    writer.EndStruct();
  } else {
    writer.BeginStructField(5);  // DataPageHeader
    writer.I32Field(1, page.num_values);
    writer.I32Field(2, static_cast<int32_t>(page.encoding));
    writer.I32Field(3, static_cast<int32_t>(Encoding::kRle));  // Definition levels.
    writer.I32Field(4, static_cast<int32_t>(Encoding::kRle));  // Repetition levels (none stored).
    writer.EndStruct();
  }
  writer.EndStruct();
}

std::string SerializeFileMetaData(std::span<const RowGroupInfo> row_groups, std::string_view created_by) {
  int64_t num_rows = 0;
  for (const RowGroupInfo& group : row_groups) num_rows += group.num_rows;
  std::string out;
  ThriftCompactWriter writer(&out);
  writer.I32Field(1, 1);  // version
  WriteSchema(&writer);
  writer.I64Field(3, num_rows);
  writer.BeginListField(4, ThriftType::kStruct, row_groups.size());
  for (const RowGroupInfo& group : row_groups) WriteRowGroup(group, &writer);
  writer.BinaryField(6, created_by);
  // column_orders: TYPE_ORDER for every leaf, so readers trust min_value/max_value.
  writer.BeginListField(7, ThriftType::kStruct, kNumColumns);
  for (int column = 0; column < kNumColumns; ++column) {
    writer.BeginStructElement();
    writer.BeginStructField(1);  // TypeDefinedOrder {}
    writer.EndStruct();
    writer.EndStruct();
  }
  writer.EndStruct();
  return out;
}

}  // namespace adxm

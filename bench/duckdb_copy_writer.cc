#include "bench/duckdb_copy_writer.h"

#include <algorithm>
#include <string>

namespace adxm {
namespace {

constexpr char kScanFunction[] = "adxm_rows";
constexpr char kCopyOptions[] = "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880)";

duckdb_type DuckType(ColumnType type) {
  switch (type) {
    case ColumnType::kVarchar: return DUCKDB_TYPE_VARCHAR;
    case ColumnType::kBigint: return DUCKDB_TYPE_BIGINT;
    case ColumnType::kTimestamp: return DUCKDB_TYPE_TIMESTAMP_TZ;
  }
  return DUCKDB_TYPE_VARCHAR;
}

// Fill `vector` with column `column` of `rows`.
void FillVector(std::span<const RowRef> rows, ColumnId column, duckdb_vector vector) {
  uint64_t* validity = nullptr;
  auto set_null = [&](size_t idx) {
    if (validity == nullptr) {
      duckdb_vector_ensure_validity_writable(vector);
      validity = duckdb_vector_get_validity(vector);
    }
    duckdb_validity_set_row_invalid(validity, idx);
  };
  if (kColumns[column].type == ColumnType::kVarchar) {
    for (size_t idx = 0; idx < rows.size(); ++idx) {
      const RowRef& ref = rows[idx];
      if (ref.batch->IsNull(column, ref.row)) {
        set_null(idx);
        continue;
      }
      std::string_view value = ref.batch->GetString(column, ref.row);
      duckdb_vector_assign_string_element_len(vector, idx, value.data(), value.size());
    }
    return;
  }
  auto* data = static_cast<int64_t*>(duckdb_vector_get_data(vector));
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    const RowRef& ref = rows[idx];
    bool null = ref.batch->IsNull(column, ref.row);
    data[idx] = null ? 0 : ref.batch->GetInt(column, ref.row);
    if (null) set_null(idx);
  }
}

void BindRows(duckdb_bind_info info) {
  for (const Column& column : kColumns) {
    LogicalType type(DuckType(column.type));
    duckdb_bind_add_result_column(info, std::string(column.name).c_str(), type.get());
  }
}

void InitRows(duckdb_init_info info) {
  duckdb_init_set_init_data(info, new size_t(0), [](void* data) { delete static_cast<size_t*>(data); });
}

// Emit the next vector-size slice of the source's rows.
void ScanRows(duckdb_function_info info, duckdb_data_chunk output) {
  auto* source = static_cast<DuckDbCopyWriter::ScanSource*>(duckdb_function_get_extra_info(info));
  auto* position = static_cast<size_t*>(duckdb_function_get_init_data(info));
  size_t count = std::min<size_t>(duckdb_vector_size(), source->rows.size() - *position);
  auto slice = source->rows.subspan(*position, count);
  for (int column = 0; column < kNumColumns; ++column) {
    FillVector(slice, static_cast<ColumnId>(column), duckdb_data_chunk_get_vector(output, column));
  }
  duckdb_data_chunk_set_size(output, count);
  *position += count;
}

Status RegisterScan(Connection* conn, DuckDbCopyWriter::ScanSource* source) {
  duckdb_table_function function = duckdb_create_table_function();
  duckdb_table_function_set_name(function, kScanFunction);
  duckdb_table_function_set_extra_info(function, source, nullptr);
  duckdb_table_function_set_bind(function, BindRows);
  duckdb_table_function_set_init(function, InitRows);
  duckdb_table_function_set_function(function, ScanRows);
  duckdb_state state = duckdb_register_table_function(conn->get(), function);
  duckdb_destroy_table_function(&function);
  return state == DuckDBSuccess ? Status::OK() : Status::Internal("duckdb: register table function failed");
}

}  // namespace

Result<std::unique_ptr<DuckDbCopyWriter>> DuckDbCopyWriter::Make(int threads) {
  DatabaseOptions options;
  options.threads = threads;
  ADXM_ASSIGN_OR_RETURN(auto db, Database::Open(options));
  ADXM_ASSIGN_OR_RETURN(auto write_conn, db->Connect());
  // Rows are ours and already deduplicated; insertion order need not be preserved.
  ADXM_RETURN_IF_ERROR(write_conn->Execute("SET preserve_insertion_order = false"));
  std::unique_ptr<DuckDbCopyWriter> writer(
      new DuckDbCopyWriter(std::move(db), std::move(write_conn)));
  ADXM_RETURN_IF_ERROR(RegisterScan(writer->write_conn_.get(), &writer->source_));
  return writer;
}

Status DuckDbCopyWriter::Write(std::span<const RowRef> rows, const std::filesystem::path& path) {
  source_.rows = rows;
  std::string copy = std::string("COPY (SELECT * FROM ") + kScanFunction + "()) TO " + SqlQuote(path.string()) +
                     " " + kCopyOptions;
  Status status = write_conn_->Execute(copy);
  source_.rows = {};
  if (!status.ok()) return status.WithContext(path.string() + ": write parquet");
  return Status::OK();
}

}  // namespace adxm

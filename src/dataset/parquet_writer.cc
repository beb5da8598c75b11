#include "dataset/parquet_writer.h"

#include <array>

namespace adxm {
namespace {

constexpr char kBufferTable[] = "adxm_rows";
constexpr char kCopyOptions[] = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)";

duckdb_type DuckType(ColumnType type) {
  switch (type) {
    case ColumnType::kVarchar: return DUCKDB_TYPE_VARCHAR;
    case ColumnType::kBigint: return DUCKDB_TYPE_BIGINT;
    case ColumnType::kTimestamp: return DUCKDB_TYPE_TIMESTAMP_TZ;
  }
  return DUCKDB_TYPE_VARCHAR;
}

// Fill column `column` of `chunk` from rows [begin, begin + count) of `rows`.
void FillVector(const RowBatch& rows, ColumnId column, size_t begin, size_t count, duckdb_vector vector) {
  uint64_t* validity = nullptr;
  auto invalid = [&](size_t idx) {
    if (validity == nullptr) {
      duckdb_vector_ensure_validity_writable(vector);
      validity = duckdb_vector_get_validity(vector);
    }
    duckdb_validity_set_row_invalid(validity, idx);
  };
  if (kColumns[column].type == ColumnType::kVarchar) {
    for (size_t idx = 0; idx < count; ++idx) {
      if (rows.IsNull(column, begin + idx)) {
        invalid(idx);
        continue;
      }
      std::string_view value = rows.GetString(column, begin + idx);
      duckdb_vector_assign_string_element_len(vector, idx, value.data(), value.size());
    }
    return;
  }
  auto* data = static_cast<int64_t*>(duckdb_vector_get_data(vector));
  for (size_t idx = 0; idx < count; ++idx) {
    if (rows.IsNull(column, begin + idx)) {
      invalid(idx);
      data[idx] = 0;
    } else {
      data[idx] = rows.GetInt(column, begin + idx);
    }
  }
}

}  // namespace

std::string PathListSql(const std::vector<std::filesystem::path>& files) {
  std::string sql = "[";
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += SqlQuote(files[i].string());
  }
  sql += "]";
  return sql;
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Make(int threads) {
  DatabaseOptions options;
  options.threads = threads;
  ADXM_ASSIGN_OR_RETURN(auto db, Database::Open(options));
  ADXM_ASSIGN_OR_RETURN(auto conn, db->Connect());
  // Rows are ours and already deduplicated; insertion order need not be preserved.
  ADXM_RETURN_IF_ERROR(conn->Execute("SET preserve_insertion_order = false"));
  return std::unique_ptr<ParquetWriter>(new ParquetWriter(std::move(db), std::move(conn)));
}

Status ParquetWriter::AppendRows(const RowBatch& rows) {
  ADXM_ASSIGN_OR_RETURN(auto appender, Appender::Make(conn_.get(), kBufferTable));
  std::array<std::unique_ptr<LogicalType>, kNumColumns> types;
  std::array<duckdb_logical_type, kNumColumns> raw_types;
  for (int column = 0; column < kNumColumns; ++column) {
    types[column] = std::make_unique<LogicalType>(DuckType(kColumns[column].type));
    raw_types[column] = types[column]->get();
  }
  const size_t chunk_rows = duckdb_vector_size();
  for (size_t begin = 0; begin < rows.num_rows(); begin += chunk_rows) {
    DataChunk chunk(duckdb_create_data_chunk(raw_types.data(), kNumColumns));
    size_t count = std::min(chunk_rows, rows.num_rows() - begin);
    for (int column = 0; column < kNumColumns; ++column) {
      FillVector(rows, static_cast<ColumnId>(column), begin, count, chunk.column(column));
    }
    duckdb_data_chunk_set_size(chunk.get(), count);
    ADXM_RETURN_IF_ERROR(appender->AppendChunk(chunk));
  }
  return appender->Close();
}

Status ParquetWriter::Write(const RowBatch& rows, const std::filesystem::path& path) {
  ADXM_RETURN_IF_ERROR(conn_->Execute(std::string("DROP TABLE IF EXISTS ") + kBufferTable));
  ADXM_RETURN_IF_ERROR(conn_->Execute(CreateTableSql(kBufferTable)));
  ADXM_RETURN_IF_ERROR(AppendRows(rows));
  std::string copy = std::string("COPY ") + kBufferTable + " TO " + SqlQuote(path.string()) + " " + kCopyOptions;
  Status status = conn_->Execute(copy);
  Status dropped = conn_->Execute(std::string("DROP TABLE ") + kBufferTable);
  if (!status.ok()) return status.WithContext(path.string() + ": write parquet");
  return dropped;
}

Status ParquetWriter::ReadEventIds(const std::vector<std::filesystem::path>& files, EventIdSet* ids) {
  if (files.empty()) return Status::OK();
  ADXM_ASSIGN_OR_RETURN(QueryResult result,
                        conn_->Query("SELECT eventID FROM read_parquet(" + PathListSql(files) + ")"));
  for (DataChunk chunk = result.Fetch(); chunk.valid(); chunk = result.Fetch()) {
    duckdb_vector vector = chunk.column(0);
    auto* data = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector));
    uint64_t* validity = duckdb_vector_get_validity(vector);
    for (size_t row = 0; row < chunk.size(); ++row) {
      if (validity != nullptr && !duckdb_validity_row_is_valid(validity, row)) continue;
      ids->Insert(std::string_view(duckdb_string_t_data(&data[row]), duckdb_string_t_length(data[row])));
    }
  }
  return Status::OK();
}

Status ParquetWriter::Merge(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& output) {
  std::string sql = "COPY (SELECT * FROM read_parquet(" + PathListSql(inputs) +
                    ", hive_partitioning = false)) TO " + SqlQuote(output.string()) + " " + kCopyOptions;
  Status status = conn_->Execute(sql);
  if (!status.ok()) return status.WithContext(output.string() + ": compact parquet");
  return Status::OK();
}

}  // namespace adxm

#include "ingest/parquet_reader.h"

#include <array>

namespace adxm {
namespace {

// "SELECT eventID, eventName, … FROM read_parquet([...])": columns by name in kColumns order,
// whatever order a file stores them in.
std::string SelectColumnsSql(const std::vector<std::filesystem::path>& files) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "\"" + std::string(kColumns[i].name) + "\"";
  }
  return sql + " FROM read_parquet(" + PathListSql(files) + ", hive_partitioning = false)";
}

bool IsValid(const uint64_t* validity, size_t row) {
  return validity == nullptr || duckdb_validity_row_is_valid(const_cast<uint64_t*>(validity), row);
}

// Append the rows of `chunk` (columns in kColumns order) to `batch`.
void AppendChunk(const DataChunk& chunk, RowBatch* batch) {
  struct Source {
    const void* data;
    const uint64_t* validity;
  };
  std::array<Source, kNumColumns> sources;
  for (int column = 0; column < kNumColumns; ++column) {
    duckdb_vector vector = chunk.column(column);
    sources[column] = {duckdb_vector_get_data(vector), duckdb_vector_get_validity(vector)};
  }
  for (size_t row = 0; row < chunk.size(); ++row) {
    batch->AddRow();
    for (int column = 0; column < kNumColumns; ++column) {
      const Source& source = sources[column];
      if (!IsValid(source.validity, row)) continue;
      auto id = static_cast<ColumnId>(column);
      if (kColumns[column].type == ColumnType::kVarchar) {
        auto* strings = static_cast<duckdb_string_t*>(const_cast<void*>(source.data));
        batch->SetString(id, std::string_view(duckdb_string_t_data(&strings[row]),
                                              duckdb_string_t_length(strings[row])));
      } else {
        // BIGINT and TIMESTAMP WITH TIME ZONE are both int64 (microseconds for the latter).
        batch->SetInt(id, static_cast<const int64_t*>(source.data)[row]);
      }
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

Result<std::unique_ptr<Connection>> ParquetReader::Connect() {
  std::lock_guard<std::mutex> lock(mu_);
  if (db_ == nullptr) {
    DatabaseOptions options;
    options.threads = threads_;
    ADXM_ASSIGN_OR_RETURN(db_, Database::Open(options));
  }
  return db_->Connect();
}

Status ParquetReader::ReadEventIds(const std::vector<std::filesystem::path>& files, EventIdSet* ids) {
  return ReadColumn(files, "eventID", [ids](std::string_view id) { ids->Insert(id); });
}

Status ParquetReader::ReadColumn(const std::vector<std::filesystem::path>& files, std::string_view column,
                                 const std::function<void(std::string_view)>& consume) {
  if (files.empty()) return Status::OK();
  ADXM_ASSIGN_OR_RETURN(auto conn, Connect());
  ADXM_ASSIGN_OR_RETURN(auto statement, conn->Prepare("SELECT \"" + std::string(column) + "\" FROM read_parquet(" +
                                                      PathListSql(files) + ", hive_partitioning = false)"));
  ADXM_ASSIGN_OR_RETURN(QueryResult result, statement->ExecuteStreaming());
  for (DataChunk chunk = result.Fetch(); chunk.valid(); chunk = result.Fetch()) {
    duckdb_vector vector = chunk.column(0);
    auto* data = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector));
    const uint64_t* validity = duckdb_vector_get_validity(vector);
    for (size_t row = 0; row < chunk.size(); ++row) {
      if (!IsValid(validity, row)) continue;
      consume(std::string_view(duckdb_string_t_data(&data[row]), duckdb_string_t_length(data[row])));
    }
  }
  return Status::OK();
}

Status ParquetReader::ScanRows(const std::vector<std::filesystem::path>& files, size_t batch_bytes,
                               const std::function<Status(const RowBatch&)>& consume) {
  if (files.empty()) return Status::OK();
  ADXM_ASSIGN_OR_RETURN(auto conn, Connect());
  // Row order does not matter to a merge; not preserving it lets DuckDB stream.
  ADXM_RETURN_IF_ERROR(conn->Execute("SET preserve_insertion_order = false"));
  ADXM_ASSIGN_OR_RETURN(auto statement, conn->Prepare(SelectColumnsSql(files)));
  ADXM_ASSIGN_OR_RETURN(QueryResult result, statement->ExecuteStreaming());
  RowBatch batch;
  for (DataChunk chunk = result.Fetch(); chunk.valid(); chunk = result.Fetch()) {
    AppendChunk(chunk, &batch);
    if (batch.ByteSize() >= batch_bytes) {
      ADXM_RETURN_IF_ERROR(consume(batch));
      batch.Clear();
    }
  }
  if (batch.num_rows() > 0) ADXM_RETURN_IF_ERROR(consume(batch));
  return Status::OK();
}

}  // namespace adxm

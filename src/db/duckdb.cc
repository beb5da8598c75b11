#include "db/duckdb.h"

#include <utility>

namespace adxm {
namespace {

std::string ResultError(duckdb_result* result, std::string_view sql) {
  const char* err = duckdb_result_error(result);
  std::string msg = err ? err : "unknown error";
  if (sql.size() > 200) sql = sql.substr(0, 200);
  return msg + " [sql: " + std::string(sql) + "]";
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  ADXM_RETURN_IF_ERROR(LoadDuckDb());  // The first database of a run loads the library.
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) == DuckDBError) return Status::Internal("duckdb: create config failed");
  if (options.threads > 0) {
    duckdb_set_config(config, "threads", std::to_string(options.threads).c_str());
  }
  if (!options.memory_limit.empty() &&
      duckdb_set_config(config, "memory_limit", options.memory_limit.c_str()) == DuckDBError) {
    duckdb_destroy_config(&config);
    return Status::InvalidArgument("memory limit \"" + options.memory_limit +
                                   "\": not a size (e.g. 512MB, 4GB)");
  }
  duckdb_database db = nullptr;
  char* error = nullptr;
  const char* path = options.path.empty() ? nullptr : options.path.c_str();
  duckdb_state state = duckdb_open_ext(path, &db, config, &error);
  duckdb_destroy_config(&config);
  if (state == DuckDBError) {
    std::string msg = "duckdb: open " + (options.path.empty() ? std::string(":memory:") : options.path) +
                      " failed: " + (error ? error : "unknown error");
    duckdb_free(error);
    return Status::IoError(std::move(msg));
  }
  return std::unique_ptr<Database>(new Database(db));
}

Database::~Database() { duckdb_close(&db_); }

Result<std::unique_ptr<Connection>> Database::Connect() {
  duckdb_connection conn = nullptr;
  if (duckdb_connect(db_, &conn) == DuckDBError) return Status::Internal("duckdb: connect failed");
  std::unique_ptr<Connection> connection(new Connection(conn));
  ADXM_RETURN_IF_ERROR(connection->Execute("SET TimeZone = 'UTC'"));
  return connection;
}

DataChunk& DataChunk::operator=(DataChunk&& other) noexcept {
  if (this != &other) {
    Reset();
    chunk_ = std::exchange(other.chunk_, nullptr);
  }
  return *this;
}

void DataChunk::Reset() {
  if (chunk_ != nullptr) duckdb_destroy_data_chunk(&chunk_);
  chunk_ = nullptr;
}

QueryResult::~QueryResult() {
  if (owned_) duckdb_destroy_result(&result_);
}

QueryResult::QueryResult(QueryResult&& other) noexcept : result_(other.result_), owned_(other.owned_) {
  other.owned_ = false;
}

Status PreparedStatement::BindVarchar(size_t index, std::string_view value) {
  if (duckdb_bind_varchar_length(stmt_, index, value.data(), value.size()) == DuckDBError) {
    return Status::InvalidArgument("duckdb: bind parameter " + std::to_string(index) + " failed");
  }
  return Status::OK();
}

Status PreparedStatement::BindInt64(size_t index, int64_t value) {
  if (duckdb_bind_int64(stmt_, index, value) == DuckDBError) {
    return Status::InvalidArgument("duckdb: bind parameter " + std::to_string(index) + " failed");
  }
  return Status::OK();
}

Result<QueryResult> PreparedStatement::Execute() {
  duckdb_result result;
  if (duckdb_execute_prepared(stmt_, &result) == DuckDBError) {
    std::string msg = ResultError(&result, "prepared statement");
    duckdb_destroy_result(&result);
    return Status::InvalidArgument(std::move(msg));
  }
  return QueryResult(result);
}

Result<QueryResult> PreparedStatement::ExecuteStreaming() {
  duckdb_pending_result pending;
  if (duckdb_pending_prepared_streaming(stmt_, &pending) == DuckDBError) {
    const char* error = duckdb_pending_error(pending);
    std::string msg = error != nullptr ? error : "duckdb: cannot start a streaming query";
    duckdb_destroy_pending(&pending);
    return Status::InvalidArgument(std::move(msg));
  }
  duckdb_result result;
  duckdb_state state = duckdb_execute_pending(pending, &result);
  duckdb_destroy_pending(&pending);
  if (state == DuckDBError) {
    std::string msg = ResultError(&result, "prepared statement");
    duckdb_destroy_result(&result);
    return Status::InvalidArgument(std::move(msg));
  }
  return QueryResult(result);
}

Connection::~Connection() { duckdb_disconnect(&conn_); }

Result<QueryResult> Connection::Query(std::string_view sql) {
  std::string owned(sql);
  duckdb_result result;
  if (duckdb_query(conn_, owned.c_str(), &result) == DuckDBError) {
    std::string msg = ResultError(&result, sql);
    duckdb_destroy_result(&result);
    return Status::InvalidArgument(std::move(msg));
  }
  return QueryResult(result);
}

Status Connection::Execute(std::string_view sql) {
  auto result = Query(sql);
  return result.status();
}

Result<std::unique_ptr<PreparedStatement>> Connection::Prepare(std::string_view sql) {
  std::string owned(sql);
  duckdb_prepared_statement stmt = nullptr;
  if (duckdb_prepare(conn_, owned.c_str(), &stmt) == DuckDBError) {
    std::string msg = duckdb_prepare_error(stmt) ? duckdb_prepare_error(stmt) : "prepare failed";
    duckdb_destroy_prepare(&stmt);
    return Status::InvalidArgument(std::move(msg));
  }
  return std::make_unique<PreparedStatement>(stmt);
}

Result<std::vector<std::unique_ptr<PreparedStatement>>> Connection::PrepareAll(std::string_view sql) {
  std::string owned(sql);
  duckdb_extracted_statements extracted = nullptr;
  idx_t count = duckdb_extract_statements(conn_, owned.c_str(), &extracted);
  if (count == 0) {
    const char* err = duckdb_extract_statements_error(extracted);
    std::string msg = err ? err : "no SQL statement given";
    duckdb_destroy_extracted(&extracted);
    return Status::InvalidArgument(std::move(msg));
  }
  std::vector<std::unique_ptr<PreparedStatement>> statements;
  for (idx_t i = 0; i < count; ++i) {
    duckdb_prepared_statement stmt = nullptr;
    if (duckdb_prepare_extracted_statement(conn_, extracted, i, &stmt) == DuckDBError) {
      std::string msg = duckdb_prepare_error(stmt) ? duckdb_prepare_error(stmt) : "prepare failed";
      duckdb_destroy_prepare(&stmt);
      duckdb_destroy_extracted(&extracted);
      return Status::InvalidArgument(std::move(msg));
    }
    statements.push_back(std::make_unique<PreparedStatement>(stmt));
  }
  duckdb_destroy_extracted(&extracted);
  return statements;
}

Result<std::unique_ptr<Appender>> Appender::Make(Connection* conn, std::string_view table) {
  std::string owned(table);
  duckdb_appender appender = nullptr;
  if (duckdb_appender_create(conn->get(), nullptr, owned.c_str(), &appender) == DuckDBError) {
    std::string msg = "duckdb: appender for " + owned + ": " +
                      (duckdb_appender_error(appender) ? duckdb_appender_error(appender) : "create failed");
    duckdb_appender_destroy(&appender);
    return Status::Internal(std::move(msg));
  }
  return std::unique_ptr<Appender>(new Appender(appender));
}

Appender::~Appender() { duckdb_appender_destroy(&appender_); }

Status Appender::Error(std::string_view op) {
  const char* err = duckdb_appender_error(appender_);
  return Status::Internal("duckdb: appender " + std::string(op) + ": " + (err ? err : "failed"));
}

Status Appender::AppendChunk(const DataChunk& chunk) {
  if (duckdb_append_data_chunk(appender_, chunk.get()) == DuckDBError) return Error("append chunk");
  return Status::OK();
}

Status Appender::Close() {
  if (duckdb_appender_close(appender_) == DuckDBError) return Error("close");
  return Status::OK();
}

std::string SqlQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace adxm

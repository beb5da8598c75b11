// RAII wrappers over the DuckDB C API (duckdb.h, DuckDB 1.4.4). Only the C API is used.
//
// Thread-safety: a Database may be shared; a Connection and everything made from
// it belong to one thread at a time.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto db, Database::Open());
//   ADXM_ASSIGN_OR_RETURN(auto conn, db->Connect());
//   ADXM_ASSIGN_OR_RETURN(QueryResult result, conn->Query("SELECT 42"));
#pragma once

#include "db/duckdb_api.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adxm {

class Connection;

/// Options for opening a database.
struct DatabaseOptions {
  std::string path;          // Empty: in-memory.
  int threads = 0;           // DuckDB worker threads; 0 keeps DuckDB's default.
  std::string memory_limit;  // e.g. "512MB"; empty keeps DuckDB's default.
};

/// An open DuckDB database.
class Database {
 public:
  /// Open (or create) a database.
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Make a new connection; its TimeZone is UTC.
  Result<std::unique_ptr<Connection>> Connect();

 private:
  explicit Database(duckdb_database db) : db_(db) {}
  duckdb_database db_;
};

/// A data chunk (up to duckdb_vector_size() rows) owned by the caller.
class DataChunk {
 public:
  DataChunk() = default;
  explicit DataChunk(duckdb_data_chunk chunk) : chunk_(chunk) {}
  ~DataChunk() { Reset(); }
  DataChunk(DataChunk&& other) noexcept : chunk_(other.chunk_) { other.chunk_ = nullptr; }
  DataChunk& operator=(DataChunk&& other) noexcept;
  DataChunk(const DataChunk&) = delete;
  DataChunk& operator=(const DataChunk&) = delete;

  bool valid() const { return chunk_ != nullptr; }
  duckdb_data_chunk get() const { return chunk_; }
  size_t size() const { return duckdb_data_chunk_get_size(chunk_); }
  duckdb_vector column(size_t column_idx) const { return duckdb_data_chunk_get_vector(chunk_, column_idx); }

 private:
  void Reset();
  duckdb_data_chunk chunk_ = nullptr;
};

/// A materialized or streaming query result; read it chunk by chunk.
class QueryResult {
 public:
  explicit QueryResult(duckdb_result result) : result_(result), owned_(true) {}
  ~QueryResult();
  QueryResult(QueryResult&& other) noexcept;
  QueryResult& operator=(QueryResult&&) = delete;
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;

  size_t column_count() { return duckdb_column_count(&result_); }
  std::string_view column_name(size_t column_idx) { return duckdb_column_name(&result_, column_idx); }
  duckdb_type column_type(size_t column_idx) { return duckdb_column_type(&result_, column_idx); }
  /// Rows changed by INSERT/UPDATE/DELETE/COPY.
  size_t rows_changed() { return duckdb_rows_changed(&result_); }

  /// Fetch the next chunk; an invalid (empty) DataChunk marks the end.
  DataChunk Fetch() { return DataChunk(duckdb_fetch_chunk(result_)); }

  /// The underlying result, for C API calls not wrapped here (e.g. duckdb_column_logical_type).
  duckdb_result* get() { return &result_; }

 private:
  duckdb_result result_;
  bool owned_;
};

/// A prepared statement.
class PreparedStatement {
 public:
  explicit PreparedStatement(duckdb_prepared_statement stmt) : stmt_(stmt) {}
  ~PreparedStatement() { duckdb_destroy_prepare(&stmt_); }
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;

  duckdb_statement_type type() const { return duckdb_prepared_statement_type(stmt_); }
  /// Bind parameter `index` (1-based).
  Status BindVarchar(size_t index, std::string_view value);
  Status BindInt64(size_t index, int64_t value);
  /// Execute and return the result.
  Result<QueryResult> Execute();
  /// Execute and return a streaming result: chunks are produced as Fetch() asks for them, so
  /// memory does not grow with the result. The statement must outlive the result.
  Result<QueryResult> ExecuteStreaming();

 private:
  duckdb_prepared_statement stmt_;
};

/// A connection to a Database.
class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Run SQL with no parameters (may hold several statements; the last one's result is returned).
  Result<QueryResult> Query(std::string_view sql);
  /// Run SQL and discard the result.
  Status Execute(std::string_view sql);
  /// Prepare one statement.
  Result<std::unique_ptr<PreparedStatement>> Prepare(std::string_view sql);
  /// Split `sql` into statements and prepare each (for running user SQL statement by statement).
  Result<std::vector<std::unique_ptr<PreparedStatement>>> PrepareAll(std::string_view sql);

  duckdb_connection get() const { return conn_; }

  /// Ask the running query to stop (it fails with an interrupt error); safe from another thread.
  void Interrupt() { duckdb_interrupt(conn_); }

 private:
  friend class Database;
  explicit Connection(duckdb_connection conn) : conn_(conn) {}
  duckdb_connection conn_;
};

/// Appends whole data chunks to a table (never row-at-a-time).
class Appender {
 public:
  /// Create an appender for `table` in the main schema.
  static Result<std::unique_ptr<Appender>> Make(Connection* conn, std::string_view table);
  ~Appender();
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  /// Append a chunk whose column types match the table.
  Status AppendChunk(const DataChunk& chunk);
  /// Flush and close; call before using the table.
  Status Close();

 private:
  explicit Appender(duckdb_appender appender) : appender_(appender) {}
  Status Error(std::string_view op);
  duckdb_appender appender_;
};

/// An owned logical type.
class LogicalType {
 public:
  explicit LogicalType(duckdb_type type) : type_(duckdb_create_logical_type(type)) {}
  ~LogicalType() { duckdb_destroy_logical_type(&type_); }
  LogicalType(const LogicalType&) = delete;
  LogicalType& operator=(const LogicalType&) = delete;
  duckdb_logical_type get() const { return type_; }

 private:
  duckdb_logical_type type_;
};

/// Quote `text` as a SQL string literal ('it''s'); for identifiers and paths we generate ourselves,
/// never for user input, which goes through prepared-statement parameters.
std::string SqlQuote(std::string_view text);

}  // namespace adxm

// QueryTable: a query's complete result with every value rendered as DuckDB renders it.
//
// The unit the output formats (format.h), reports and the HTTP API work with: column names,
// DuckDB type names, and rows of text cells (nullopt = SQL NULL).
//
// Thread-safety: a plain value.
// Example:
//   ADXM_ASSIGN_OR_RETURN(QueryTable table, engine->Run("SELECT 42 AS answer"));
//   table.column_names[0];  // "answer"
//   *table.rows[0][0];      // "42"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/duckdb.h"

namespace adxm {

/// One value as text, or nullopt for SQL NULL.
using Cell = std::optional<std::string>;

/// A materialized query result.
struct QueryTable {
  std::vector<std::string> column_names;  // As the query names them.
  std::vector<std::string> column_types;  // DuckDB type names: BIGINT, VARCHAR[], DECIMAL(18,3), ...
  std::vector<bool> numeric;              // Per column: integer, DECIMAL or floating-point values.
  std::vector<std::vector<Cell>> rows;    // rows[row][column].
  std::vector<bool> nested;               // Per column: LIST, ARRAY, STRUCT, MAP or UNION values.
  // json_rows[row][column]: the value as JSON text, for nested columns only (other cells unset);
  // empty when no column is nested.
  std::vector<std::vector<Cell>> json_rows;

  /// Read `result` (chunk by chunk, values decoded from the vectors): all of it, or the chunks that
  /// hold its first `max_rows` rows and the rows of the chunk that passes it (so a caller can tell
  /// there were more); chunks after that are not fetched.
  static Result<QueryTable> Read(QueryResult* result, size_t max_rows = SIZE_MAX);
};

}  // namespace adxm

// The statement policy of the query engine: only statements that cannot change anything run.
//
// DuckDB reports each prepared statement's type; SELECT (which DESCRIBE, SHOW, SUMMARIZE and
// table-valued PRAGMAs become) and EXPLAIN pass, everything else (COPY, CREATE, INSERT, ATTACH,
// SET, INSTALL/LOAD, EXPORT, CALL, PRAGMA, ...) is refused. EXPLAIN ANALYZE executes the
// statement it explains, so it passes only as a lone `EXPLAIN ANALYZE <SELECT>`.
//
// Thread-safety: pure functions; the connection is used by the calling thread only.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto statements, conn->PrepareAll(sql));
//   ADXM_RETURN_IF_ERROR(CheckReadOnly(conn, sql, statements));
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/duckdb.h"

namespace adxm {

/// Return the SQL keyword of a statement type ("SELECT", "COPY", "CREATE", ...).
std::string_view StatementTypeName(duckdb_statement_type type);

/// OK when `type` may run (SELECT or EXPLAIN); InvalidArgument naming the type otherwise.
Status CheckStatementType(duckdb_statement_type type);

/// OK when every statement of `sql` (already prepared on `conn`, in order) is read-only.
Status CheckReadOnly(Connection* conn, std::string_view sql,
                     const std::vector<std::unique_ptr<PreparedStatement>>& statements);

}  // namespace adxm

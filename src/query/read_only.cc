#include "query/read_only.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace adxm {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view SkipSpace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  return text;
}

// Split the leading identifier-like word off `text`.
std::string_view TakeWord(std::string_view* text) {
  size_t length = 0;
  while (length < text->size() && (std::isalnum(static_cast<unsigned char>((*text)[length])) || (*text)[length] == '_')) {
    ++length;
  }
  std::string_view word = text->substr(0, length);
  text->remove_prefix(length);
  return word;
}

// EXPLAIN ANALYZE runs the statement it explains, and the C API does not expose that statement.
// Every spelling of the option contains "analy" (ANALYZE, ANALYSE, (ANALYZE), ("analyze"); DuckDB
// rejects U&"" escapes), so an input without it holds no EXPLAIN ANALYZE. An input with it must be
// one statement "EXPLAIN <word> ..." (whitespace only between): a word other than ANALYZE/ANALYSE/
// VERBOSE starts the explained statement, so no option follows; after ANALYZE/ANALYSE, DuckDB itself
// must confirm the rest is a SELECT. Anything else (comments, option lists) is refused.
Status CheckExplainAnalyze(Connection* conn, std::string_view sql, size_t statement_count) {
  if (Lower(sql).find("analy") == std::string::npos) return Status::OK();
  Status refused = Status::InvalidArgument(
      "EXPLAIN ANALYZE executes the statement it explains; it is allowed only alone and only as "
      "EXPLAIN ANALYZE SELECT ...");
  std::string_view rest = SkipSpace(sql);
  if (statement_count != 1 || Lower(TakeWord(&rest)) != "explain" || rest.empty() || !IsSpace(rest.front())) {
    return refused;
  }
  rest = SkipSpace(rest);
  std::string option = Lower(TakeWord(&rest));
  if (option.empty() || option == "verbose") return refused;
  if (option != "analyze" && option != "analyse") return Status::OK();
  auto explained = conn->Prepare(rest);
  if (!explained.ok() || (*explained)->type() != DUCKDB_STATEMENT_TYPE_SELECT) return refused;
  return Status::OK();
}

}  // namespace

std::string_view StatementTypeName(duckdb_statement_type type) {
  switch (type) {
    case DUCKDB_STATEMENT_TYPE_SELECT: return "SELECT";
    case DUCKDB_STATEMENT_TYPE_INSERT: return "INSERT";
    case DUCKDB_STATEMENT_TYPE_UPDATE: return "UPDATE";
    case DUCKDB_STATEMENT_TYPE_EXPLAIN: return "EXPLAIN";
    case DUCKDB_STATEMENT_TYPE_DELETE: return "DELETE";
    case DUCKDB_STATEMENT_TYPE_PREPARE: return "PREPARE";
    case DUCKDB_STATEMENT_TYPE_CREATE: return "CREATE";
    case DUCKDB_STATEMENT_TYPE_EXECUTE: return "EXECUTE";
    case DUCKDB_STATEMENT_TYPE_ALTER: return "ALTER";
    case DUCKDB_STATEMENT_TYPE_TRANSACTION: return "TRANSACTION";
    case DUCKDB_STATEMENT_TYPE_COPY: return "COPY";
    case DUCKDB_STATEMENT_TYPE_ANALYZE: return "ANALYZE";
    case DUCKDB_STATEMENT_TYPE_VARIABLE_SET: return "SET VARIABLE";
    case DUCKDB_STATEMENT_TYPE_CREATE_FUNC: return "CREATE FUNCTION";
    case DUCKDB_STATEMENT_TYPE_DROP: return "DROP";
    case DUCKDB_STATEMENT_TYPE_EXPORT: return "EXPORT";
    case DUCKDB_STATEMENT_TYPE_PRAGMA: return "PRAGMA";
    case DUCKDB_STATEMENT_TYPE_VACUUM: return "VACUUM";
    case DUCKDB_STATEMENT_TYPE_CALL: return "CALL";
    case DUCKDB_STATEMENT_TYPE_SET: return "SET";
    case DUCKDB_STATEMENT_TYPE_LOAD: return "LOAD";
    case DUCKDB_STATEMENT_TYPE_RELATION: return "RELATION";
    case DUCKDB_STATEMENT_TYPE_EXTENSION: return "EXTENSION";
    case DUCKDB_STATEMENT_TYPE_LOGICAL_PLAN: return "LOGICAL_PLAN";
    case DUCKDB_STATEMENT_TYPE_ATTACH: return "ATTACH";
    case DUCKDB_STATEMENT_TYPE_DETACH: return "DETACH";
    case DUCKDB_STATEMENT_TYPE_MULTI: return "MULTI";
    default: return "INVALID";
  }
}

Status CheckStatementType(duckdb_statement_type type) {
  if (type == DUCKDB_STATEMENT_TYPE_SELECT || type == DUCKDB_STATEMENT_TYPE_EXPLAIN) return Status::OK();
  return Status::InvalidArgument(
      "only read-only statements (SELECT, EXPLAIN, DESCRIBE, SHOW) are allowed; got " +
      std::string(StatementTypeName(type)));
}

Status CheckReadOnly(Connection* conn, std::string_view sql,
                     const std::vector<std::unique_ptr<PreparedStatement>>& statements) {
  bool has_explain = false;
  for (const auto& statement : statements) {
    ADXM_RETURN_IF_ERROR(CheckStatementType(statement->type()));
    has_explain = has_explain || statement->type() == DUCKDB_STATEMENT_TYPE_EXPLAIN;
  }
  return has_explain ? CheckExplainAnalyze(conn, sql, statements.size()) : Status::OK();
}

}  // namespace adxm

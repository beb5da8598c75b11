#include "query/query_engine.h"

#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "warehouse/local_store.h"
#include "warehouse/snapshot.h"
#include "query/read_only.h"
#include "schema/schema.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

std::string Identifier(std::string_view name) { return "\"" + std::string(name) + "\""; }

// The view's select list: kColumns in order, then the partitions, each cast to its curated type so
// the view's types do not depend on how a file was written (a same-type cast is free).
std::string SelectList() {
  std::string sql;
  for (const Column& column : kColumns) {
    sql += "CAST(" + Identifier(column.name) + " AS " + std::string(DuckDbTypeName(column.type)) + ") AS " +
           Identifier(column.name) + ", ";
  }
  for (size_t partition_idx = 0; partition_idx < kPartitionColumns.size(); ++partition_idx) {
    if (partition_idx > 0) sql += ", ";
    sql += Identifier(kPartitionColumns[partition_idx]);
  }
  return sql;
}

// A manifest names files relative to the table dir; anything that could point elsewhere is corrupt.
Status CheckRelative(const std::string& file) {
  fs::path path(file);
  bool escapes = path.empty() || path.is_absolute();
  for (const fs::path& part : path) escapes = escapes || part == "..";
  if (escapes) return Status::Corruption("manifest: data file " + file + " is not inside the table directory");
  return Status::OK();
}

// The snapshot's data files as paths DuckDB reads.
Result<std::vector<std::string>> DataFiles(const Snapshot& snapshot) {
  std::vector<std::string> paths;
  for (const SnapshotFile& file : snapshot.files()) {
    ADXM_RETURN_IF_ERROR(CheckRelative(file.relative));
    paths.push_back(file.reader_path);
  }
  return paths;
}

std::string QuotedList(const std::vector<std::string>& paths) {
  std::string list;
  for (const std::string& path : paths) list += (list.empty() ? "" : ", ") + SqlQuote(path);
  return "[" + list + "]";
}

std::string DataSourceSql(const std::vector<std::string>& paths) {
  if (paths.empty()) return EmptySelectSql();
  return "SELECT " + SelectList() + " FROM read_parquet(" + QuotedList(paths) +
         ", hive_partitioning = true, hive_types = {'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR})";
}

std::string ViewsSql(const std::string& source_sql) {
  std::string schema = Identifier(kDatabaseName);
  std::string table = Identifier(kTableName);
  return "CREATE SCHEMA " + schema + "; CREATE VIEW " + schema + "." + table + " AS " + source_sql +
         "; CREATE VIEW main." + table + " AS SELECT * FROM " + schema + "." + table + ";";
}

// After this the connection can open exactly the live data files and nothing else, loads no
// extension, and no setting (these included) can be changed again. allowed_paths rather than
// allowed_directories: a directory grant also permits writes there, and DuckDB creates an EXPORT
// DATABASE target directory while merely preparing the statement.
std::string LockDownSql(const std::vector<std::string>& paths) {
  std::string sql = "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false; ";
  if (!paths.empty()) sql += "SET allowed_paths = " + QuotedList(paths) + "; ";
  return sql + "SET enable_external_access = false; SET lock_configuration = true;";
}

Result<fs::path> ResolveWarehouse(const fs::path& warehouse) {
  std::error_code error;
  if (!fs::is_directory(warehouse, error)) {
    return Status::NotFound("warehouse " + warehouse.string() + ": no such directory");
  }
  fs::path resolved = fs::weakly_canonical(fs::absolute(warehouse), error);
  if (error) return Status::IoError("warehouse " + warehouse.string() + ": " + error.message());
  return resolved;
}

}  // namespace

Result<std::unique_ptr<QueryEngine>> QueryEngine::Open(const fs::path& warehouse,
                                                       const QueryEngineOptions& options) {
  ADXM_ASSIGN_OR_RETURN(fs::path root, ResolveWarehouse(warehouse));
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, LocalStore::Open(root));
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot, Snapshot::Open(store.get()));
  ADXM_ASSIGN_OR_RETURN(std::vector<std::string> paths, DataFiles(*snapshot));
  DatabaseOptions database_options;
  database_options.threads = options.threads;
  ADXM_ASSIGN_OR_RETURN(auto database, Database::Open(database_options));
  ADXM_ASSIGN_OR_RETURN(auto connection, database->Connect());
  Status views = connection->Execute(ViewsSql(DataSourceSql(paths)));
  if (!views.ok()) return views.WithContext("warehouse " + root.string() + ": create views");
  ADXM_RETURN_IF_ERROR(connection->Execute(LockDownSql(paths)));
  return std::unique_ptr<QueryEngine>(new QueryEngine(std::move(store), std::move(snapshot), std::move(database),
                                                      std::move(connection), paths.size()));
}

Result<QueryTable> QueryEngine::Run(std::string_view sql) {
  ADXM_ASSIGN_OR_RETURN(auto statements, connection_->PrepareAll(sql));
  ADXM_RETURN_IF_ERROR(CheckReadOnly(connection_.get(), sql, statements));
  for (size_t statement_idx = 0; statement_idx + 1 < statements.size(); ++statement_idx) {
    ADXM_RETURN_IF_ERROR(statements[statement_idx]->Execute().status());
  }
  ADXM_ASSIGN_OR_RETURN(QueryResult result, statements.back()->Execute());
  return QueryTable::Read(&result);
}

Result<QueryTable> QueryEngine::RunPrepared(PreparedStatement* statement) {
  // Without the SQL text an EXPLAIN ANALYZE cannot be told apart, so only SELECT passes here.
  if (statement->type() != DUCKDB_STATEMENT_TYPE_SELECT) {
    return Status::InvalidArgument("only SELECT statements may run prepared; got " +
                                   std::string(StatementTypeName(statement->type())));
  }
  ADXM_ASSIGN_OR_RETURN(QueryResult result, statement->Execute());
  return QueryTable::Read(&result);
}

}  // namespace adxm

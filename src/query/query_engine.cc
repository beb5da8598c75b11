#include "query/query_engine.h"

#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <system_error>
#include <vector>

#include "warehouse/layout.h"
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
// DATABASE target directory while merely preparing the statement. DuckDB grants its temporary
// directory as well (by default ".tmp/" of the working directory, whatever a user keeps there):
// it is `spill_dir`, a private folder of this engine's own in $TMPDIR (or /tmp).
std::string LockDownSql(const std::vector<std::string>& paths, const fs::path& spill_dir) {
  // An empty spill_dir (none could be made) is no temporary directory at all: nothing spills.
  std::string sql = "SET temp_directory = " + SqlQuote(spill_dir.string()) +
                    "; SET autoinstall_known_extensions = false; SET autoload_known_extensions = false; ";
  if (!paths.empty()) sql += "SET allowed_paths = " + QuotedList(paths) + "; ";
  return sql + "SET enable_external_access = false; SET lock_configuration = true;";
}

Result<fs::path> ResolveWarehouse(const fs::path& warehouse);

// The store of `warehouse`: a directory (checked by ResolveWarehouse) or s3://bucket/prefix
// (NotFound when nothing is under its _adxmetrics/ prefix: not a warehouse).
Result<std::unique_ptr<Store>> OpenWarehouseStore(const fs::path& warehouse, const StoreOptions& options) {
  if (!IsS3Uri(warehouse.string())) {
    ADXM_ASSIGN_OR_RETURN(fs::path root, ResolveWarehouse(warehouse));
    ADXM_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store, LocalStore::Open(root));
    return std::unique_ptr<Store>(std::move(store));
  }
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(warehouse.string(), options));
  std::vector<StoreEntry> meta;
  ADXM_RETURN_IF_ERROR(store->List(std::string(WarehouseLayout::kLogPrefix), &meta));
  if (meta.empty()) ADXM_RETURN_IF_ERROR(store->List(std::string(WarehouseLayout::kCheckpointPrefix), &meta));
  if (meta.empty()) {
    return Status::NotFound("warehouse " + store->Describe() +
                            ": not an adxmetrics warehouse (nothing under _adxmetrics/; `adxmetrics ingest` creates it)");
  }
  return store;
}

Result<fs::path> ResolveWarehouse(const fs::path& warehouse) {
  std::error_code error;
  if (!fs::exists(warehouse, error)) return Status::NotFound("warehouse " + warehouse.string() + ": no such directory");
  if (!fs::is_directory(warehouse, error)) {
    return Status::InvalidArgument("warehouse " + warehouse.string() + ": is a file, not a directory");
  }
  // A directory that ingest never wrote to would read as an empty dataset: say so instead.
  if (!fs::is_directory(warehouse / std::string(WarehouseLayout::kMetaPrefix), error)) {
    return Status::NotFound("warehouse " + warehouse.string() +
                            ": not an adxmetrics warehouse (no _adxmetrics directory; `adxmetrics ingest` creates it)");
  }
  fs::path resolved = fs::weakly_canonical(fs::absolute(warehouse), error);
  if (error) return Status::IoError("warehouse " + warehouse.string() + ": " + error.message());
  // read_parquet expands *, ? and [...] in every path it is given, with no way to escape them: a
  // warehouse under "data[12]/" would read "data1/" instead. Refuse rather than read other files.
  if (resolved.string().find_first_of("*?[") != std::string::npos) {
    return Status::InvalidArgument("warehouse " + resolved.string() +
                                   ": the path holds *, ? or [, which DuckDB reads as a file pattern; "
                                   "rename or move the warehouse (or link to it from a plain path)");
  }
  return resolved;
}

// Interrupts a connection's query when it outlives a deadline. Timer thread and owner meet
// through a condition variable: destruction before the deadline wakes the thread at once.
class Watchdog {
 public:
  Watchdog(Connection* connection, double seconds) {
    if (seconds <= 0) return;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    thread_ = std::thread([this, connection, deadline] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_until(lock, deadline, [&] { return done_; })) {
        fired_ = true;
        connection->Interrupt();
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  /// Whether the deadline passed and the query was interrupted.
  bool fired() {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;   // Guarded by mu_.
  bool fired_ = false;  // Guarded by mu_.
  std::thread thread_;
};

// "0.5", "600".
std::string SecondsText(double seconds) {
  std::ostringstream text;
  text << seconds;
  return text.str();
}

// DuckDB's out-of-memory message ends with "Possible solutions" naming settings (SET
// memory_limit, threads, ...) that a locked engine refuses; keep the diagnosis, name our option.
Status OutOfMemory(const Status& status, const std::string& limit) {
  std::string message = status.message();
  size_t advice = message.find("Possible solutions");
  if (advice != std::string::npos) message.erase(advice);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return Status::Unavailable("query ran out of memory (limit " + (limit.empty() ? "DuckDB's default" : limit) +
                             "): raise --memory-limit or read fewer rows/columns; " + message);
}

}  // namespace

Result<std::unique_ptr<QueryEngine>> QueryEngine::Open(const fs::path& warehouse,
                                                       const QueryEngineOptions& options) {
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenWarehouseStore(warehouse, options.store));
  const std::string root = store->Describe();
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot, Snapshot::Open(store.get()));
  ADXM_ASSIGN_OR_RETURN(std::vector<std::string> paths, DataFiles(*snapshot));
  DatabaseOptions database_options;
  database_options.threads = options.threads;
  // Set before the configuration is locked (LockDownSql); a query cannot change it.
  database_options.memory_limit = options.memory_limit;
  ADXM_ASSIGN_OR_RETURN(auto database, Database::Open(database_options));
  ADXM_ASSIGN_OR_RETURN(auto connection, database->Connect());
  Status views = connection->Execute(ViewsSql(DataSourceSql(paths)));
  if (!views.ok()) return views.WithContext("warehouse " + root + ": create views");
  SpillDir spill_dir = SpillDir::Make();
  ADXM_RETURN_IF_ERROR(connection->Execute(LockDownSql(paths, spill_dir.path())));
  return std::unique_ptr<QueryEngine>(new QueryEngine(std::move(spill_dir), std::move(store), std::move(snapshot),
                                                      std::move(database), std::move(connection), paths.size(),
                                                      options));
}

QueryEngine::SpillDir QueryEngine::SpillDir::Make() {
  std::error_code error;
  fs::path base = fs::temp_directory_path(error);  // $TMPDIR, else /tmp.
  if (error) base = "/tmp";
  std::string pattern = (base / "adxmetrics-query-XXXXXX").string();
  SpillDir dir;
  if (::mkdtemp(pattern.data()) != nullptr) dir.path_ = pattern;  // Else no spilling, as before.
  return dir;
}

QueryEngine::SpillDir::~SpillDir() {
  std::error_code ignored;
  if (!path_.empty()) fs::remove_all(path_, ignored);
}

Result<QueryTable> QueryEngine::Guarded(const std::function<Result<QueryTable>()>& run) {
  Result<QueryTable> result = [&] {
    Watchdog watchdog(connection_.get(), options_.timeout_seconds);
    Result<QueryTable> outcome = run();
    if (!outcome.ok() && watchdog.fired()) {
      return Result<QueryTable>(Status::Unavailable(
          "query timed out after " + SecondsText(options_.timeout_seconds) +
          " s (raise --timeout, or 0 for no limit)"));
    }
    return outcome;
  }();
  if (!result.ok() && result.status().message().find("Out of Memory") != std::string::npos) {
    return OutOfMemory(result.status(), options_.memory_limit);
  }
  return result;
}

Result<QueryTable> QueryEngine::Run(std::string_view sql, size_t max_rows) {
  ADXM_ASSIGN_OR_RETURN(auto statements, connection_->PrepareAll(sql));
  ADXM_RETURN_IF_ERROR(CheckReadOnly(connection_.get(), sql, statements));
  return Guarded([&]() -> Result<QueryTable> {
    for (size_t statement_idx = 0; statement_idx + 1 < statements.size(); ++statement_idx) {
      ADXM_RETURN_IF_ERROR(statements[statement_idx]->Execute().status());
    }
    // Limited: stream, so the rows past the limit are never computed into memory.
    ADXM_ASSIGN_OR_RETURN(QueryResult result, max_rows == SIZE_MAX ? statements.back()->Execute()
                                                                   : statements.back()->ExecuteStreaming());
    return QueryTable::Read(&result, max_rows);
  });
}

Result<QueryTable> QueryEngine::RunPrepared(PreparedStatement* statement) {
  // Without the SQL text an EXPLAIN ANALYZE cannot be told apart, so only SELECT passes here.
  if (statement->type() != DUCKDB_STATEMENT_TYPE_SELECT) {
    return Status::InvalidArgument("only SELECT statements may run prepared; got " +
                                   std::string(StatementTypeName(statement->type())));
  }
  return Guarded([&]() -> Result<QueryTable> {
    ADXM_ASSIGN_OR_RETURN(QueryResult result, statement->Execute());
    return QueryTable::Read(&result);
  });
}

}  // namespace adxm

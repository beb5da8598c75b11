// QueryEngine: read-only SQL over a warehouse's committed Parquet dataset (embedded DuckDB).
//
// Open() opens a snapshot of the warehouse (warehouse/snapshot.h) and defines the views
// adx_metrics_curated.adx_for_s3_metrics and main.adx_for_s3_metrics over exactly its live files
// (never uncommitted files; they stay readable while ingests commit and compact), with
// year/month/day as VARCHAR Hive partitions, so the AWS sample's Athena queries run verbatim.
// The engine is read-only: its DuckDB may open only those live files, its configuration is
// locked, and Run() accepts only SELECT-like statements and EXPLAIN (see README.md).
//
// Thread-safety: one thread at a time per engine (it owns one DuckDB connection).
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto engine, QueryEngine::Open("/data/warehouse"));
//   ADXM_ASSIGN_OR_RETURN(QueryTable table, engine->Run("SELECT count(*) FROM adx_for_s3_metrics"));
//   std::cout << FormatTable(table, OutputFormat::kTable);
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "db/duckdb.h"
#include "query/query_table.h"
#include "warehouse/snapshot.h"
#include "warehouse/open_store.h"
#include "warehouse/store.h"

namespace adxm {

/// Options for QueryEngine::Open.
struct QueryEngineOptions {
  int threads = 0;           // DuckDB worker threads; 0 keeps DuckDB's default (one per core).
  std::string memory_limit;  // DuckDB memory limit, e.g. "4GB"; empty keeps DuckDB's default (80% of RAM).
  double timeout_seconds = 0;  // A Run() still going after this long is interrupted; 0: no limit.
  StoreOptions store;          // A warehouse in S3: how to reach it, and the local cache of its files.
};

/// Read-only SQL over one warehouse's committed dataset.
class QueryEngine {
 public:
  /// Open `warehouse` (NotFound if the directory does not exist; no manifest yet = empty dataset).
  static Result<std::unique_ptr<QueryEngine>> Open(const std::filesystem::path& warehouse,
                                                   const QueryEngineOptions& options = {});

  /// Run `sql` (one or more statements; all are checked before any runs) and return the last's result.
  /// InvalidArgument for a statement that is not read-only or a SQL error; Unavailable when it
  /// ran past the timeout or out of memory (the message names the option to change).
  /// With `max_rows`, rows past it are not read (QueryTable::Read): the table holds more than
  /// max_rows exactly when the result had more.
  Result<QueryTable> Run(std::string_view sql, size_t max_rows = SIZE_MAX);

  /// Run `statement` (prepared on connection(), parameters bound) if it is a SELECT; read its result.
  Result<QueryTable> RunPrepared(PreparedStatement* statement);

  /// The engine's connection (TimeZone UTC, configuration locked), e.g. to prepare statements.
  Connection* connection() { return connection_.get(); }

  /// The commit the engine's snapshot shows.
  uint64_t txn() const { return snapshot_->txn(); }

  /// Number of data files the views read.
  size_t file_count() const { return file_count_; }

 private:
  // A private folder for DuckDB's temporary files (spilled sorts and joins), removed with the
  // engine: the only folder the locked-down connection may read besides the data files.
  class SpillDir {
   public:
    /// A new folder in $TMPDIR (or /tmp); an empty path when none can be made.
    static SpillDir Make();
    SpillDir() = default;
    SpillDir(SpillDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
    SpillDir& operator=(SpillDir&&) = delete;
    ~SpillDir();
    const std::filesystem::path& path() const { return path_; }

   private:
    std::filesystem::path path_;
  };

  QueryEngine(SpillDir spill_dir, std::unique_ptr<Store> store, std::unique_ptr<Snapshot> snapshot,
              std::unique_ptr<Database> database, std::unique_ptr<Connection> connection, size_t file_count,
              QueryEngineOptions options)
      : spill_dir_(std::move(spill_dir)),
        store_(std::move(store)),
        snapshot_(std::move(snapshot)),
        database_(std::move(database)),
        connection_(std::move(connection)),
        file_count_(file_count),
        options_(std::move(options)) {}

  // Run `run` under the timeout and translate resource errors into messages naming our options.
  Result<QueryTable> Guarded(const std::function<Result<QueryTable>()>& run);

  SpillDir spill_dir_;                  // Outlives the database.
  std::unique_ptr<Store> store_;        // Outlives the snapshot.
  std::unique_ptr<Snapshot> snapshot_;  // Holds the lease on the files the views read.
  std::unique_ptr<Database> database_;  // Declared first: outlives the connection.
  std::unique_ptr<Connection> connection_;
  size_t file_count_;
  QueryEngineOptions options_;
};

}  // namespace adxm

// Ingest: log objects from a LogSource -> curated Parquet in a warehouse, incrementally and exactly.
//
// A run lists the source, skips objects the manifest already holds, extracts the
// rest (in parallel, one Extractor per worker), and commits them in delivery order
// (the time stamp in the log file name, then the key; see DeliveredBefore):
// rows are routed to their day, rows whose eventID the day already holds are
// dropped, and each commit writes one file per touched day plus one manifest
// record. Days holding more than max_files_per_day live files are compacted.
// Bad objects are recorded in the warehouse's rejection ledger with their reason and retried on
// later runs while their version is unchanged, up to max_attempts runs, then quarantined (skipped,
// counted, listed by `adxmetrics rejects`); a changed object is retried at once. A read error is
// not a reject: it is retried in the run and then fails the run.
//
// Thread-safety: one Ingest per warehouse at a time (enforced by the warehouse lock).
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto source, OpenLocalSource(dir));
//   ADXM_ASSIGN_OR_RETURN(IngestReport report, Ingest(source.get(), warehouse_dir, IngestOptions{}));
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "cloudtrail/extractor.h"
#include "source/log_source.h"
#include "warehouse/open_store.h"
#include "warehouse/store.h"

namespace adxm {

struct IngestOptions {
  int threads = 1;                      // Busy threads: extraction workers plus the ingest thread
                                        // (at the end of a run, the threads encoding a commit). Up
                                        // to 2, the commit writer's thread, which syncs files and
                                        // commits, is not counted: it mostly waits on the disk.
  ExtractOptions extract;               // Which records qualify.
  // Commit when buffered rows exceed this many bytes (RowBatch::ByteSize; ~24,000 CloudTrail
  // rows). The rows waiting and the commit being encoded are a third of ingest's peak memory, while
  // each commit costs a file per day it touches and the manifest's append (docs/performance.md).
  size_t commit_bytes = 12u << 20;
  size_t max_objects_per_commit = 0;    // Also commit after this many objects; 0 = no limit.
  size_t max_files_per_day = 8;         // Compact a day holding more live files than this.
  // eventID sets (16 bytes a slot, at most 3/4 full) stay in memory while at most
  // max_loaded_days days are loaded or while all take at most max_loaded_id_bytes; past both, the
  // least recently used day without buffered rows is dropped and reloaded from its files if
  // needed. Delivery order brings each day's events together, so reloads are rare.
  size_t max_loaded_days = 4;           // Days kept whatever their sets' size.
  size_t max_loaded_id_bytes = 16u << 20;  // Memory of all loaded sets past which days are dropped.
  bool progress = false;                // Draw a progress line on stderr.
  uint64_t max_attempts = 3;            // Runs that may fail on one version of an object before quarantine.
  int64_t retention_seconds = 3600;     // Replaced data files stay readable (hidden) this long.
  bool rebuild = false;                 // Re-derive a lost manifest from the data files present.
  // Sources listed by folder (S3) list CloudTrail day folders from the newest day already
  // ingested minus this many days (late deliveries land in recent folders); a folder tree new
  // to the warehouse is listed whole.
  int lookback_days = 3;
  bool full_scan = false;               // List every object of the source, whatever its day.
  StoreOptions store;                   // A warehouse in S3: how to reach it, and its local cache.
};

/// A log object that could not be ingested, and why.
struct RejectedObject {
  std::string key;
  std::string reason;
  uint64_t attempts = 1;     // Runs that failed on this version, this one included (0: not in the
                             // ledger: a source entry that could not be read, a key that is not UTF-8).
  bool quarantined = false;  // Reached max_attempts: later runs skip it until it changes.
};

/// A qualifying record that could not become a row, and its log object.
struct RejectedRecord {
  std::string key;
  MalformedRecord record;
};

/// What a run did.
struct IngestReport {
  uint64_t objects_listed = 0;     // Everything the source listed.
  uint64_t objects_ignored = 0;    // Not log objects (digests, other files).
  // Of those, the ones that are no CloudTrail digest or insight file either (an uncompressed
  // .json, a misnamed or temporary file): counted and the first kMaxNamedIgnored named.
  uint64_t objects_unrecognized = 0;
  std::vector<std::string> unrecognized_keys;
  static constexpr size_t kMaxNamedIgnored = 5;
  uint64_t objects_skipped = 0;    // Already in the manifest.
  uint64_t objects_changed = 0;    // In the manifest with another size or version: reprocessed.
  uint64_t objects_quarantined = 0;  // Rejected max_attempts times before and unchanged: skipped.
  uint64_t objects_ingested = 0;   // Newly committed.
  std::vector<RejectedObject> rejected;
  std::vector<RejectedRecord> rejected_records;  // Their objects are ingested all the same.
  uint64_t bytes_read = 0;         // Compressed bytes read from the source.
  uint64_t events_read = 0;        // Records in the ingested objects.
  uint64_t events_qualifying = 0;  // Records that passed the ADX filter.
  uint64_t duplicates_dropped = 0; // Qualifying records whose eventID was already present.
  uint64_t rows_written = 0;       // Rows added to the dataset.
  uint64_t files_written = 0;      // Parquet files published (including compaction output).
  uint64_t commits = 0;            // Manifest records appended.
  uint64_t days_compacted = 0;
  uint64_t days_reloaded = 0;      // eventID sets read back after being dropped (max_loaded_days, max_loaded_id_bytes).
  uint64_t orphans_removed = 0;    // Files of an interrupted run deleted at start.
  uint64_t files_republished = 0;  // Publication an interrupted run left unfinished, finished.
  uint64_t files_vacuumed = 0;     // Replaced files deleted after the retention window.
  bool migrated = false;           // The warehouse's format-1 manifest was converted.
  bool rebuilt = false;            // The manifest was re-derived from data files (--rebuild).
  std::vector<std::string> foreign_files;  // Files in the table folder it did not write (left alone).
  std::string listed_since;        // "YYYY/MM/DD": day folders before it were not listed; "": all were.
  std::string source_requests;     // Requests sent to a remote source ("14 LIST, 300 GET"), else "".
  std::string warehouse_requests;  // Requests sent to a remote warehouse, else "".
  double seconds = 0;
};

/// Ingest every new log object of `source` into the warehouse in `store`.
/// Rejected objects are reported in the result, not as an error; an error means the run failed.
Result<IngestReport> Ingest(LogSource* source, Store* store, const IngestOptions& options);

/// Ingest into the warehouse at `warehouse`: a local directory (created if missing) or
/// s3://bucket/prefix (reached with options.store).
Result<IngestReport> Ingest(LogSource* source, const std::string& warehouse, const IngestOptions& options);

/// Render the end-of-run summary shown to the operator.
std::string FormatIngestReport(const IngestReport& report);

}  // namespace adxm

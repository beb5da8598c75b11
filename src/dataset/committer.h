// Committer: routes extracted rows to their day, drops eventIDs a day already holds,
// and commits buffered rows (one Parquet file per day) together with the objects
// they came from. Compacts days that accumulated too many files, streaming their rows
// through row groups of bounded size.
//
// Rows are not copied: a day keeps RowRefs into the extracted batches, which the
// pending commit owns. With more than two threads, commits are written on a background thread
// while routing goes on (one commit in flight; commits stay in order); otherwise Add() writes
// them inline while the extraction pool's workers run ahead.
//
// Thread-safety: the public methods are called from one thread.
// Example:
//   Committer committer(warehouse.get(), &reader, options, &report);
//   ADXM_RETURN_IF_ERROR(committer.Add(object, std::move(extracted)));
//   ADXM_RETURN_IF_ERROR(committer.Finish());
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dataset/event_id_set.h"
#include "dataset/extract_pool.h"
#include "dataset/ingest.h"
#include "dataset/parquet_reader.h"
#include "parquet/metadata.h"
#include "dataset/warehouse.h"

namespace adxm {

/// Return the partition directory of a day since the epoch: "year=2023/month=05/day=01".
std::string PartitionDir(int64_t day);

class Committer {
 public:
  Committer(Warehouse* warehouse, ParquetReader* reader, const IngestOptions& options, IngestReport* report);
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  /// Take one successfully extracted object; commits when the buffer is full.
  Status Add(const ObjectInfo& object, std::unique_ptr<ExtractedObject> extracted);

  /// Commit what is buffered, wait for every commit, then compact the days this run touched.
  Status Finish();

 private:
  struct Day {
    bool ids_loaded = false;
    bool evicted = false;       // Its ids were dropped to save memory; reload from all live files.
    uint64_t last_use = 0;      // use_clock_ when a row last came for this day.
    EventIdSet ids;             // eventIDs committed or buffered for this day (when loaded).
    std::vector<RowRef> rows;   // Buffered rows not yet committed.
  };
  // Everything one commit writes; owns the batches its rows point into.
  struct Job {
    std::vector<ObjectRecord> objects;
    std::vector<std::pair<int64_t, std::vector<RowRef>>> days;
    std::vector<std::unique_ptr<ExtractedObject>> batches;
  };

  Result<Day*> GetDay(int64_t day);
  void EvictIdleDays(int64_t keep);
  Status Flush();
  Status Submit(Job job);
  Status WaitIdle();
  Status RunJob(Job& job);
  void WriterLoop();
  Status Compact(int64_t day);
  Status Merge(const std::vector<std::string>& inputs, const std::filesystem::path& output);

  Warehouse* warehouse_;
  ParquetReader* reader_;
  const IngestOptions& options_;
  IngestReport* report_;
  const std::set<std::string> initial_live_files_;  // Snapshot: dedup loads only from these.
  std::map<int64_t, Day> days_;
  size_t loaded_days_ = 0;   // Days whose ids are in memory.
  uint64_t use_clock_ = 0;
  std::mutex written_mu_;
  // Row groups of the files this run committed, by table-relative path. Guarded by written_mu_.
  std::map<std::string, std::vector<RowGroupInfo>> written_groups_;
  std::set<int64_t> touched_days_;
  Job pending_;
  size_t pending_bytes_ = 0;

  // Background commit writer (only when options_.threads > 2).
  std::thread writer_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Job> in_flight_;  // Guarded by mu_.
  Status writer_status_;          // Guarded by mu_: first failure of a background commit.
  bool stopping_ = false;         // Guarded by mu_.
};

}  // namespace adxm

// CommitWriter: the one writer of a warehouse during an ingest. Each job becomes one commit: one
// Parquet file per day (written by the native ParquetFileWriter to the warehouse's stable keys,
// synced), then the manifest commit and its publication (Warehouse::Commit). A thread of its own
// runs, in order, either whole jobs (Mode::kBackground: encoding overlaps the ingest thread's
// routing) or only what waits on the disk (Mode::kOverlapIo: the caller encodes the files, then
// the thread syncs and closes them and commits while the caller extracts on; the encoding stays
// on the caller's thread, the writer's does only the manifest's small share of CPU work).
//
// Thread-safety: Submit/WaitIdle from one thread, never the writer's; WrittenGroups() after
// WaitIdle(). The report's commit counters (objects_ingested, rows_written, files_written,
// commits) are written by the writer's thread: read them after WaitIdle(). The warehouse is used
// by the two threads in turn: the caller may read it (state(), manifest()) after WaitIdle().
// Example:
//   CommitWriter writer(warehouse.get(), CommitWriter::Mode::kOverlapIo, &report);
//   ADXM_RETURN_IF_ERROR(writer.Submit(std::move(job)));
//   ADXM_RETURN_IF_ERROR(writer.WaitIdle());
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/thread_annotations.h"
#include "ingest/extract_pool.h"
#include "ingest/ingest.h"
#include "parquet/metadata.h"
#include "warehouse/warehouse.h"

namespace adxm {

/// Everything one commit writes; owns the batches its rows point into.
struct CommitJob {
  std::vector<ObjectRecord> objects;
  std::vector<std::pair<int64_t, std::vector<RowRef>>> days;
  std::vector<std::unique_ptr<ExtractedObject>> batches;
  std::vector<RejectRecord> rejects;
  std::vector<QuarantinedRecord> quarantined;
  // Cores free to encode its data files (see FileEncodeThreads): more than one only once
  // extraction has no object left to start (the commits at the end of a run), when the other
  // cores would otherwise be idle.
  int idle_threads = 1;
};

class CommitWriter {
 public:
  /// What the writer's thread does.
  enum class Mode {
    kOverlapIo,   // The caller encodes; the writer's thread syncs, closes and commits.
    kBackground,  // The writer's thread runs whole jobs, one at a time.
  };
  CommitWriter(Warehouse* warehouse, Mode mode, IngestReport* report);
  /// Finishes the work queued (a submitted job is committed unless a task before it failed; a
  /// failure then is not reported: call WaitIdle() for it).
  ~CommitWriter();
  CommitWriter(const CommitWriter&) = delete;
  CommitWriter& operator=(const CommitWriter&) = delete;

  /// Commit `job` after the job before it. kOverlapIo: returns once its files are encoded;
  /// kBackground: at once. Either waits for the job before it to be committed first, and
  /// returns its failure if it failed; after a failure every later job fails with it.
  Status Submit(CommitJob job);
  /// Wait until nothing is in flight; the first failure of the writer's thread.
  Status WaitIdle();
  /// Row groups of the files this run committed, by table-relative name (compaction copies them).
  std::map<std::string, std::vector<RowGroupInfo>> WrittenGroups() const;

 private:
  // What a commit's files hand to the commit point.
  struct CommitState {
    CommitRecord record;
    std::vector<std::pair<std::string, std::vector<RowGroupInfo>>> written;  // Row groups by file.
    uint64_t rows_written = 0;
  };
  // Write the job's files and commit them; with `overlap_io`, the syncs, closes and the commit are
  // queued for the writer's thread (after each group of files, the group before it has been
  // closed, so that at most two groups of files are open). With `overlap_io` it waits on the
  // writer's thread: never call it from there.
  Status Run(CommitJob& job, bool overlap_io);
  // Commit the synced files of `state` (Warehouse::Commit) and count them in the report.
  Status FinishCommit(CommitState& state);
  // Queue `task` for the writer's thread; it is skipped once a task before it has failed.
  void Enqueue(std::function<Status()> task);
  // Write the data file `relative` of the job's day `day`, encoded by FileEncodeThreads threads
  // unless `side_by_side` threads are writing a group's files one each; its file, finished but
  // not synced, goes to `output`.
  Status WriteDayFile(const CommitJob& job, size_t day, int side_by_side, const std::string& relative,
                      std::unique_ptr<WritableFile>* output, std::vector<RowGroupInfo>* groups);
  void Loop();

  Warehouse* warehouse_;
  IngestReport* report_;
  mutable Mutex written_mu_;
  std::map<std::string, std::vector<RowGroupInfo>> written_groups_ ADXM_GUARDED_BY(written_mu_);

  const Mode mode_;
  std::thread thread_;
  Mutex mu_;
  std::condition_variable_any cv_;
  std::deque<std::function<Status()>> tasks_ ADXM_GUARDED_BY(mu_);
  bool running_ ADXM_GUARDED_BY(mu_) = false;  // The thread is running a task taken from tasks_.
  Status status_ ADXM_GUARDED_BY(mu_);          // First failure of a task.
  bool stopping_ ADXM_GUARDED_BY(mu_) = false;
};

}  // namespace adxm

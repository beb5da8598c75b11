// CommitWriter: the one writer of a warehouse during an ingest. Each job becomes one commit: one
// Parquet file per day (written by the native ParquetFileWriter to the warehouse's stable keys,
// synced), then the manifest commit and its publication (Warehouse::Commit). With `background`,
// jobs run on a thread of their own, one at a time and in order, while the ingest thread routes
// the next rows; otherwise Submit() runs the job inline.
//
// Thread-safety: Submit/WaitIdle/Finish from one thread; WrittenGroups() after WaitIdle().
// Example:
//   CommitWriter writer(warehouse.get(), /*background=*/false, &report);
//   ADXM_RETURN_IF_ERROR(writer.Submit(std::move(job)));
//   ADXM_RETURN_IF_ERROR(writer.WaitIdle());
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
  CommitWriter(Warehouse* warehouse, bool background, IngestReport* report);
  ~CommitWriter();
  CommitWriter(const CommitWriter&) = delete;
  CommitWriter& operator=(const CommitWriter&) = delete;

  /// Commit `job` (in the background: after the job before it).
  Status Submit(CommitJob job);
  /// Wait until no job is in flight; the first failure of a background job.
  Status WaitIdle();
  /// Row groups of the files this run committed, by table-relative name (compaction copies them).
  std::map<std::string, std::vector<RowGroupInfo>> WrittenGroups() const;

 private:
  Status Run(CommitJob& job);
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

  std::thread thread_;  // Only with `background`.
  Mutex mu_;
  std::condition_variable_any cv_;
  std::optional<CommitJob> in_flight_ ADXM_GUARDED_BY(mu_);
  Status status_ ADXM_GUARDED_BY(mu_);  // First failure of a background commit.
  bool stopping_ ADXM_GUARDED_BY(mu_) = false;
};

}  // namespace adxm

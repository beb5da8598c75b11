#include "ingest/commit_writer.h"

#include <algorithm>
#include <atomic>

#include "base/out_of_memory.h"
#include "base/parallel.h"
#include "parquet/parquet_file_writer.h"
#include "warehouse/layout.h"

namespace adxm {

namespace {

// Data files of a commit written, then fsynced together, at a time.
constexpr size_t kSyncThreads = 16;

// Past 8 threads encoding a commit's files, thread starts and zstd contexts per file cost more
// than the split gains.
constexpr int kMaxEncodeThreads = 8;

// Threads encoding a data file of `rows` rows when `idle_threads` cores are free
// (ParquetWriteOptions::encode_threads). Under 1,024 rows (one slice), splitting the columns gains
// less than starting threads costs.
int FileEncodeThreads(int idle_threads, size_t rows) {
  constexpr size_t kMinRowsToSplit = 1024;
  return rows < kMinRowsToSplit ? 1 : std::clamp(idle_threads, 1, kMaxEncodeThreads);
}

// Threads encoding the files `days[begin, end)` side by side, each file on one of them, when
// `idle_threads` cores are free; 1: one file after another, each split by columns
// (FileEncodeThreads). Side by side unless one file holds most of the rows: a month of days
// splits evenly, one large day with a few stragglers is better split by columns.
int SideBySideThreads(const std::vector<std::pair<int64_t, std::vector<RowRef>>>& days, size_t begin, size_t end,
                      int idle_threads) {
  if (end - begin < 2 || idle_threads < 2) return 1;
  size_t total = 0, largest = 0;
  for (size_t index = begin; index < end; ++index) {
    total += days[index].second.size();
    largest = std::max(largest, days[index].second.size());
  }
  if (largest * 2 > total) return 1;
  return std::clamp(idle_threads, 1, kMaxEncodeThreads);
}

}  // namespace

CommitWriter::CommitWriter(Warehouse* warehouse, bool background, IngestReport* report)
    : warehouse_(warehouse), report_(report) {
  if (background) thread_ = std::thread([this] { Loop(); });
}

CommitWriter::~CommitWriter() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status CommitWriter::Submit(CommitJob job) {
  if (!thread_.joinable()) return Run(job);
  ADXM_RETURN_IF_ERROR(WaitIdle());
  {
    MutexLock lock(&mu_);
    in_flight_ = std::move(job);
  }
  cv_.notify_all();
  return Status::OK();
}

Status CommitWriter::WaitIdle() {
  MutexLock lock(&mu_);
  cv_.wait(lock, [&]() ADXM_REQUIRES(mu_) { return !in_flight_.has_value(); });
  return status_;
}

std::map<std::string, std::vector<RowGroupInfo>> CommitWriter::WrittenGroups() const {
  MutexLock lock(&written_mu_);
  return written_groups_;
}

void CommitWriter::Loop() {
  MutexLock lock(&mu_);
  for (;;) {
    cv_.wait(lock, [&]() ADXM_REQUIRES(mu_) { return stopping_ || in_flight_.has_value(); });
    if (!in_flight_.has_value()) return;  // Stopping with nothing left to write.
    CommitJob job = std::move(*in_flight_);
    bool failed = !status_.ok();
    lock.unlock();
    Status status = failed ? Status::OK() : OutOfMemoryAsStatus([&] { return Run(job); });
    lock.lock();
    if (status_.ok()) status_ = status;
    in_flight_.reset();
    cv_.notify_all();
  }
}

Status CommitWriter::WriteDayFile(const CommitJob& job, size_t day, int side_by_side, const std::string& relative,
                                  std::unique_ptr<WritableFile>* output, std::vector<RowGroupInfo>* groups) {
  const std::vector<RowRef>& rows = job.days[day].second;
  ADXM_ASSIGN_OR_RETURN(auto file, warehouse_->NewDataFile(relative));
  ParquetWriteOptions options;
  options.encode_threads = side_by_side > 1 ? 1 : FileEncodeThreads(job.idle_threads, rows.size());
  ADXM_ASSIGN_OR_RETURN(auto writer, ParquetFileWriter::Create(std::move(file), relative, options));
  ADXM_RETURN_IF_ERROR(writer->WriteRowGroup(rows));
  ADXM_ASSIGN_OR_RETURN(*output, writer->Finish());
  *groups = writer->row_groups();
  return Status::OK();
}

Status CommitWriter::Run(CommitJob& job) {
  CommitRecord record;
  record.txn = warehouse_->manifest().next_txn();
  std::vector<std::pair<std::string, std::vector<RowGroupInfo>>> written;
  uint64_t rows_written = 0;
  // One file per day: a commit spanning a month of late logs writes 30, a first backfill of a
  // sparse trail thousands. They are written a group at a time; a group's fsyncs go together (one
  // journal commit, not one per file), then its files are closed, so open files stay bounded.
  // All are durable before the commit point. With idle cores, a group's files are encoded side by
  // side (SideBySideThreads) or each split by columns (FileEncodeThreads).
  for (size_t begin = 0; begin < job.days.size(); begin += kSyncThreads) {
    size_t end = std::min(job.days.size(), begin + kSyncThreads);
    for (size_t index = begin; index < end; ++index) {
      record.added_files.push_back(WarehouseLayout::DataFileName(PartitionDir(job.days[index].first), record.txn));
      rows_written += job.days[index].second.size();
    }
    std::vector<std::unique_ptr<WritableFile>> outputs(end - begin);
    std::vector<std::vector<RowGroupInfo>> groups(end - begin);
    const int side_by_side = SideBySideThreads(job.days, begin, end, job.idle_threads);
    std::atomic<bool> failed{false};  // After a failure, the files not started are not written.
    ADXM_RETURN_IF_ERROR(ParallelFor(end - begin, side_by_side, [&](size_t offset) -> Status {
      if (failed.load(std::memory_order_relaxed)) return Status::OK();
      Status status = WriteDayFile(job, begin + offset, side_by_side, record.added_files[begin + offset],
                                   &outputs[offset], &groups[offset]);
      if (!status.ok()) failed.store(true, std::memory_order_relaxed);
      return status;
    }));
    for (size_t offset = 0; offset < groups.size(); ++offset) {
      written.emplace_back(record.added_files[begin + offset], std::move(groups[offset]));
    }
    ADXM_RETURN_IF_ERROR(ParallelFor(outputs.size(), kSyncThreads, [&](size_t index) {
      return outputs[index]->Sync().WithContext(record.added_files[begin + index]);
    }));
    for (size_t index = 0; index < outputs.size(); ++index) {
      ADXM_RETURN_IF_ERROR(outputs[index]->Close().WithContext(record.added_files[begin + index]));
    }
  }
  record.objects = std::move(job.objects);
  record.rejects = std::move(job.rejects);
  record.quarantined = std::move(job.quarantined);
  size_t files = record.added_files.size();
  size_t objects = record.objects.size();
  ADXM_RETURN_IF_ERROR(warehouse_->Commit(std::move(record)));
  {
    MutexLock lock(&written_mu_);
    for (auto& [relative, groups] : written) written_groups_[relative] = std::move(groups);
  }
  report_->objects_ingested += objects;
  report_->rows_written += rows_written;
  report_->files_written += files;
  ++report_->commits;
  return Status::OK();
}

}  // namespace adxm

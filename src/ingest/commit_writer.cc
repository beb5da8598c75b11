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

// Make a group of finished data files durable, fsyncs together, then close them.
Status SyncAndClose(std::vector<std::unique_ptr<WritableFile>>& files, const std::vector<std::string>& names) {
  ADXM_RETURN_IF_ERROR(ParallelFor(files.size(), kSyncThreads, [&](size_t index) {
    return files[index]->Sync().WithContext(names[index]);
  }));
  for (size_t index = 0; index < files.size(); ++index) {
    ADXM_RETURN_IF_ERROR(files[index]->Close().WithContext(names[index]));
  }
  return Status::OK();
}

}  // namespace

CommitWriter::CommitWriter(Warehouse* warehouse, Mode mode, IngestReport* report)
    : warehouse_(warehouse), report_(report), mode_(mode) {
  thread_ = std::thread([this] { Loop(); });
}

CommitWriter::~CommitWriter() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status CommitWriter::Submit(CommitJob job) {
  // The job's file names take the next transaction number: the commit before it must be done.
  ADXM_RETURN_IF_ERROR(WaitIdle());
  if (mode_ == Mode::kOverlapIo) {
    Status status = OutOfMemoryAsStatus([&] { return Run(job, /*overlap_io=*/true); });
    if (!status.ok()) {  // Kept, as a failure on the writer's thread is: no later job commits.
      MutexLock lock(&mu_);
      if (status_.ok()) status_ = status;
    }
    return status;
  }
  // std::function needs a copyable callable: the job (which owns its rows) is shared.
  auto shared = std::make_shared<CommitJob>(std::move(job));
  Enqueue([this, shared] { return Run(*shared, /*overlap_io=*/false); });
  return Status::OK();
}

void CommitWriter::Enqueue(std::function<Status()> task) {
  {
    MutexLock lock(&mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_all();
}

Status CommitWriter::WaitIdle() {
  MutexLock lock(&mu_);
  cv_.wait(lock, [&]() ADXM_REQUIRES(mu_) { return tasks_.empty() && !running_; });
  return status_;
}

std::map<std::string, std::vector<RowGroupInfo>> CommitWriter::WrittenGroups() const {
  MutexLock lock(&written_mu_);
  return written_groups_;
}

void CommitWriter::Loop() {
  MutexLock lock(&mu_);
  for (;;) {
    cv_.wait(lock, [&]() ADXM_REQUIRES(mu_) { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // Stopping with nothing left to do.
    std::function<Status()> task = std::move(tasks_.front());
    tasks_.pop_front();
    running_ = true;
    bool failed = !status_.ok();
    lock.unlock();
    // After a failure the later tasks are dropped unrun: no commit follows a file that failed.
    Status status = failed ? Status::OK() : OutOfMemoryAsStatus([&] { return task(); });
    task = nullptr;  // Files it still holds close here, off the lock.
    lock.lock();
    if (status_.ok()) status_ = status;
    running_ = false;
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

Status CommitWriter::Run(CommitJob& job, bool overlap_io) {
  auto state = std::make_shared<CommitState>();
  state->record.txn = warehouse_->manifest().next_txn();
  // One file per day: a commit spanning a month of late logs writes 30, a first backfill of a
  // sparse trail thousands. They are written a group at a time; a group's fsyncs go together (one
  // journal commit, not one per file), then its files are closed, so open files stay bounded.
  // All are durable before the commit point. With idle cores, a group's files are encoded side by
  // side (SideBySideThreads) or each split by columns (FileEncodeThreads).
  for (size_t begin = 0; begin < job.days.size(); begin += kSyncThreads) {
    size_t end = std::min(job.days.size(), begin + kSyncThreads);
    std::vector<std::string> names;
    for (size_t index = begin; index < end; ++index) {
      names.push_back(WarehouseLayout::DataFileName(PartitionDir(job.days[index].first), state->record.txn));
      state->record.added_files.push_back(names.back());
      state->rows_written += job.days[index].second.size();
    }
    std::vector<std::unique_ptr<WritableFile>> outputs(end - begin);
    std::vector<std::vector<RowGroupInfo>> groups(end - begin);
    const int side_by_side = SideBySideThreads(job.days, begin, end, job.idle_threads);
    std::atomic<bool> failed{false};  // After a failure, the files not started are not written.
    ADXM_RETURN_IF_ERROR(ParallelFor(end - begin, side_by_side, [&](size_t offset) -> Status {
      if (failed.load(std::memory_order_relaxed)) return Status::OK();
      Status status = WriteDayFile(job, begin + offset, side_by_side, names[offset], &outputs[offset], &groups[offset]);
      if (!status.ok()) failed.store(true, std::memory_order_relaxed);
      return status;
    }));
    for (size_t offset = 0; offset < groups.size(); ++offset) {
      state->written.emplace_back(names[offset], std::move(groups[offset]));
    }
    if (!overlap_io) {
      ADXM_RETURN_IF_ERROR(SyncAndClose(outputs, names));
      continue;
    }
    // The group before this one has been closed (at most two groups of files open), and if it
    // failed, the job stops here.
    ADXM_RETURN_IF_ERROR(WaitIdle());
    auto files = std::make_shared<std::vector<std::unique_ptr<WritableFile>>>(std::move(outputs));
    Enqueue([files, names = std::move(names)] { return SyncAndClose(*files, names); });
  }
  state->record.objects = std::move(job.objects);
  state->record.rejects = std::move(job.rejects);
  state->record.quarantined = std::move(job.quarantined);
  if (!overlap_io) return FinishCommit(*state);
  // The job's rows are encoded: they are freed when it returns, before the commit is done.
  Enqueue([this, state] { return FinishCommit(*state); });
  return Status::OK();
}

Status CommitWriter::FinishCommit(CommitState& state) {
  const size_t files = state.record.added_files.size();
  const size_t objects = state.record.objects.size();
  ADXM_RETURN_IF_ERROR(warehouse_->Commit(std::move(state.record)));
  {
    MutexLock lock(&written_mu_);
    for (auto& [relative, groups] : state.written) written_groups_[relative] = std::move(groups);
  }
  report_->objects_ingested += objects;
  report_->rows_written += state.rows_written;
  report_->files_written += files;
  ++report_->commits;
  return Status::OK();
}

}  // namespace adxm

#include "ingest/commit_writer.h"

#include <algorithm>

#include "base/out_of_memory.h"
#include "base/parallel.h"
#include "parquet/parquet_file_writer.h"
#include "warehouse/layout.h"

namespace adxm {

namespace {

// Data files of a commit written, then fsynced together, at a time.
constexpr size_t kSyncThreads = 16;

// Threads encoding a data file of `rows` rows when `idle_threads` cores are free
// (ParquetWriteOptions::encode_threads). Under 1,024 rows (one slice), splitting the columns gains
// less than starting threads costs; past 8 threads, thread starts and zstd contexts per file cost
// more than the split gains.
int FileEncodeThreads(int idle_threads, size_t rows) {
  constexpr size_t kMinRowsToSplit = 1024;
  constexpr int kMaxThreads = 8;
  return rows < kMinRowsToSplit ? 1 : std::clamp(idle_threads, 1, kMaxThreads);
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

Status CommitWriter::Run(CommitJob& job) {
  CommitRecord record;
  record.txn = warehouse_->manifest().next_txn();
  std::vector<std::pair<std::string, std::vector<RowGroupInfo>>> written;
  uint64_t rows_written = 0;
  // One file per day: a commit spanning a month of late logs writes 30, a first backfill of a
  // sparse trail thousands. They are written a group at a time; a group's fsyncs go together (one
  // journal commit, not one per file), then its files are closed, so open files stay bounded.
  // All are durable before the commit point.
  for (size_t begin = 0; begin < job.days.size(); begin += kSyncThreads) {
    size_t end = std::min(job.days.size(), begin + kSyncThreads);
    std::vector<std::unique_ptr<WritableFile>> outputs;
    for (size_t index = begin; index < end; ++index) {
      const auto& [day, rows] = job.days[index];
      std::string relative = WarehouseLayout::DataFileName(PartitionDir(day), record.txn);
      ADXM_ASSIGN_OR_RETURN(auto file, warehouse_->NewDataFile(relative));
      ParquetWriteOptions options;
      options.encode_threads = FileEncodeThreads(job.idle_threads, rows.size());
      ADXM_ASSIGN_OR_RETURN(auto writer, ParquetFileWriter::Create(std::move(file), relative, options));
      ADXM_RETURN_IF_ERROR(writer->WriteRowGroup(rows));
      ADXM_ASSIGN_OR_RETURN(auto finished, writer->Finish());
      outputs.push_back(std::move(finished));
      written.emplace_back(relative, writer->row_groups());
      rows_written += rows.size();
      record.added_files.push_back(relative);
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

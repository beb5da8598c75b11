#include "dataset/committer.h"

#include <fmt/format.h>

#include "base/out_of_memory.h"

#include "base/civil_time.h"
#include "parquet/parquet_file_writer.h"

namespace adxm {
namespace {

// Rows per row group are bounded by bytes: a compaction holds one row group's rows in memory.
constexpr size_t kRowGroupBytes = 8u << 20;

// Write `rows` to a new file at `path`; return its row groups (for compaction by copying).
Result<std::vector<RowGroupInfo>> WriteFile(std::span<const RowRef> rows, const std::filesystem::path& path) {
  ADXM_ASSIGN_OR_RETURN(auto file, ParquetFileWriter::Create(path));
  ADXM_RETURN_IF_ERROR(file->WriteRowGroup(rows));
  ADXM_RETURN_IF_ERROR(file->Close());
  return file->row_groups();
}

}  // namespace

std::string PartitionDir(int64_t day) {
  CivilDate date = CivilFromDays(day);
  return fmt::format("year={:04d}/month={:02d}/day={:02d}", date.year, date.month, date.day);
}

Committer::Committer(Warehouse* warehouse, ParquetReader* reader, const IngestOptions& options,
                     IngestReport* report)
    : warehouse_(warehouse),
      reader_(reader),
      options_(options),
      report_(report),
      initial_live_files_(warehouse->manifest().live_files()) {
  // Up to two threads, the ingest thread writes commits itself while the extraction pool keeps
  // the other core busy; more threads add a background writer so commits overlap routing.
  if (options_.threads > 2) writer_thread_ = std::thread([this] { WriterLoop(); });
}

Committer::~Committer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
}

Result<Committer::Day*> Committer::GetDay(int64_t day) {
  Day& state = days_[day];
  state.last_use = ++use_clock_;
  if (state.ids_loaded) return &state;
  std::vector<std::filesystem::path> files;
  if (!state.evicted) {
    // First row for this day in this run: learn which eventIDs the dataset already holds.
    // Files this run commits hold only ids already in the set, so the snapshot suffices.
    for (const std::string& file : LiveFilesIn(initial_live_files_, PartitionDir(day))) {
      files.push_back(warehouse_->TablePath(file));
    }
  } else {
    // Evicted earlier in this run: its ids are all in committed files once the commit in
    // flight (which may hold its last rows) is done. Nothing pending holds its rows.
    ADXM_RETURN_IF_ERROR(WaitIdle());
    for (const std::string& file : LiveFilesIn(warehouse_->manifest().live_files(), PartitionDir(day))) {
      files.push_back(warehouse_->TablePath(file));
    }
    ++report_->days_reloaded;
  }
  ADXM_RETURN_IF_ERROR(reader_->ReadEventIds(files, &state.ids));
  state.ids_loaded = true;
  ++loaded_days_;
  EvictIdleDays(day);
  return &state;
}

void Committer::EvictIdleDays(int64_t keep) {
  // Least recently used first; a day with buffered rows stays (its ids are not on disk yet).
  while (loaded_days_ > options_.max_loaded_days) {
    Day* victim = nullptr;
    for (auto& [day, state] : days_) {
      if (day == keep || !state.ids_loaded || !state.rows.empty()) continue;
      if (victim == nullptr || state.last_use < victim->last_use) victim = &state;
    }
    if (victim == nullptr) return;
    victim->ids = EventIdSet();
    victim->ids_loaded = false;
    victim->evicted = true;
    --loaded_days_;
  }
}

Status Committer::Add(const ObjectInfo& object, std::unique_ptr<ExtractedObject> extracted) {
  ObjectRecord record{object.key, object.size, object.version, extracted->stats.records, 0, 0};
  const RowBatch& rows = extracted->rows;
  Day* day = nullptr;
  int64_t current_day = INT64_MIN;
  for (size_t row = 0; row < rows.num_rows(); ++row) {
    int64_t row_day = DayOfMicros(rows.GetInt(kEventTime, row));
    if (row_day != current_day) {
      ADXM_ASSIGN_OR_RETURN(day, GetDay(row_day));
      current_day = row_day;
      touched_days_.insert(row_day);
    }
    if (!day->ids.Insert(rows.GetString(kEventId, row))) {
      ++record.duplicates;
      continue;
    }
    day->rows.push_back(RowRef{&rows, static_cast<uint32_t>(row)});
    ++record.rows;
  }
  pending_bytes_ += rows.ByteSize();
  report_->events_read += extracted->stats.records;
  report_->events_qualifying += extracted->stats.qualifying;
  report_->duplicates_dropped += record.duplicates;
  pending_.objects.push_back(std::move(record));
  pending_.batches.push_back(std::move(extracted));
  bool full = pending_bytes_ >= options_.commit_bytes ||
              (options_.max_objects_per_commit > 0 && pending_.objects.size() >= options_.max_objects_per_commit);
  return full ? Flush() : Status::OK();
}

Status Committer::Flush() {
  if (pending_.objects.empty()) return Status::OK();
  for (auto& [day, state] : days_) {
    if (!state.rows.empty()) pending_.days.emplace_back(day, std::move(state.rows));
    state.rows = {};
  }
  Job job = std::move(pending_);
  pending_ = Job();
  pending_bytes_ = 0;
  return Submit(std::move(job));
}

Status Committer::Submit(Job job) {
  if (!writer_thread_.joinable()) return RunJob(job);
  ADXM_RETURN_IF_ERROR(WaitIdle());
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_ = std::move(job);
  }
  cv_.notify_all();
  return Status::OK();
}

Status Committer::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !in_flight_.has_value(); });
  return writer_status_;
}

void Committer::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || in_flight_.has_value(); });
    if (!in_flight_.has_value()) return;  // Stopping with nothing left to write.
    lock.unlock();
    Status status = writer_status_.ok() ? OutOfMemoryAsStatus([&] { return RunJob(*in_flight_); }) : Status::OK();
    lock.lock();
    if (writer_status_.ok()) writer_status_ = status;
    in_flight_.reset();
    cv_.notify_all();
  }
}

Status Committer::RunJob(Job& job) {
  CommitRecord record;
  record.txn = warehouse_->manifest().next_txn();
  std::vector<StagedFile> files;
  std::vector<std::pair<std::string, std::vector<RowGroupInfo>>> written;
  uint64_t rows_written = 0;
  for (const auto& [day, rows] : job.days) {
    std::string relative = fmt::format("{}/part-{:010d}.parquet", PartitionDir(day), record.txn);
    auto staged = warehouse_->StagingPath(fmt::format("{:010d}-{}.parquet", record.txn, day));
    ADXM_ASSIGN_OR_RETURN(std::vector<RowGroupInfo> groups, WriteFile(rows, staged));
    written.emplace_back(relative, std::move(groups));
    rows_written += rows.size();
    files.push_back({staged, relative});
    record.added_files.push_back(relative);
  }
  record.objects = std::move(job.objects);
  ADXM_RETURN_IF_ERROR(warehouse_->Commit(files, record));
  {
    std::lock_guard<std::mutex> lock(written_mu_);
    for (auto& [relative, groups] : written) written_groups_[relative] = std::move(groups);
  }
  report_->objects_ingested += record.objects.size();
  report_->rows_written += rows_written;
  report_->files_written += files.size();
  ++report_->commits;
  return Status::OK();
}

Status Committer::Compact(int64_t day) {
  std::vector<std::string> live = LiveFilesIn(warehouse_->manifest().live_files(), PartitionDir(day));
  if (live.size() <= options_.max_files_per_day) return Status::OK();
  CommitRecord record;
  record.txn = warehouse_->manifest().next_txn();
  auto staged = warehouse_->StagingPath(fmt::format("{:010d}-{}.parquet", record.txn, day));
  ADXM_RETURN_IF_ERROR(Merge(live, staged));
  std::string relative = fmt::format("{}/part-{:010d}.parquet", PartitionDir(day), record.txn);
  record.added_files.push_back(relative);
  record.removed_files = std::move(live);
  ADXM_RETURN_IF_ERROR(warehouse_->Commit({{staged, relative}}, record));
  ++report_->files_written;
  ++report_->commits;
  ++report_->days_compacted;
  return Status::OK();
}

Status Committer::Merge(const std::vector<std::string>& inputs, const std::filesystem::path& output) {
  // Files this run wrote are appended row group by row group as bytes; older files (whose
  // layout this run does not know) are decoded and re-encoded, streaming.
  std::vector<std::pair<std::filesystem::path, std::vector<RowGroupInfo>>> copies;
  std::vector<std::filesystem::path> rewrites;
  {
    std::lock_guard<std::mutex> lock(written_mu_);
    for (const std::string& input : inputs) {
      auto it = written_groups_.find(input);
      if (it != written_groups_.end()) {
        copies.emplace_back(warehouse_->TablePath(input), it->second);
      } else {
        rewrites.push_back(warehouse_->TablePath(input));
      }
    }
  }
  ADXM_ASSIGN_OR_RETURN(auto file, ParquetFileWriter::Create(output));
  Status status;
  for (const auto& [path, groups] : copies) {
    status = file->CopyRowGroups(path, groups);
    if (!status.ok()) break;
  }
  std::vector<RowRef> refs;
  if (status.ok()) {
    status = reader_->ScanRows(rewrites, kRowGroupBytes, [&](const RowBatch& rows) {
      refs.clear();
      for (size_t row = 0; row < rows.num_rows(); ++row) refs.push_back(RowRef{&rows, static_cast<uint32_t>(row)});
      return file->WriteRowGroup(refs);
    });
  }
  if (status.ok()) status = file->Close();
  if (!status.ok()) return status.WithContext(output.string() + ": compact");
  return Status::OK();
}

Status Committer::Finish() {
  ADXM_RETURN_IF_ERROR(Flush());
  ADXM_RETURN_IF_ERROR(WaitIdle());
  for (int64_t day : touched_days_) ADXM_RETURN_IF_ERROR(Compact(day));
  return Status::OK();
}

}  // namespace adxm

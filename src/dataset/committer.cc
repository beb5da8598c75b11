#include "dataset/committer.h"

#include <fmt/format.h>

#include "base/civil_time.h"

namespace adxm {

std::string PartitionDir(int64_t day) {
  CivilDate date = CivilFromDays(day);
  return fmt::format("year={:04d}/month={:02d}/day={:02d}", date.year, date.month, date.day);
}

Result<Committer::Day*> Committer::GetDay(int64_t day) {
  Day& state = days_[day];
  if (!state.ids_loaded) {
    // First row for this day in this run: learn which eventIDs the dataset already holds.
    std::vector<std::filesystem::path> files;
    for (const std::string& file : warehouse_->LiveFilesIn(PartitionDir(day))) {
      files.push_back(warehouse_->TablePath(file));
    }
    ADXM_RETURN_IF_ERROR(writer_->ReadEventIds(files, &state.ids));
    state.ids_loaded = true;
  }
  return &state;
}

Status Committer::Add(const ObjectInfo& object, const ExtractedObject& extracted) {
  ObjectRecord record{object.key, object.size, object.version, extracted.stats.records, 0, 0};
  const RowBatch& rows = extracted.rows;
  Day* day = nullptr;
  int64_t current_day = INT64_MIN;
  for (size_t row = 0; row < rows.num_rows(); ++row) {
    int64_t row_day = DayOfMicros(rows.GetInt(kEventTime, row));
    if (row_day != current_day) {
      ADXM_ASSIGN_OR_RETURN(day, GetDay(row_day));
      current_day = row_day;
    }
    if (!day->ids.Insert(rows.GetString(kEventId, row))) {
      ++record.duplicates;
      continue;
    }
    day->rows.AppendRowFrom(rows, row);
    touched_days_.insert(row_day);
    ++record.rows;
  }
  pending_bytes_ += rows.ByteSize();
  report_->events_read += extracted.stats.records;
  report_->events_qualifying += extracted.stats.qualifying;
  report_->duplicates_dropped += record.duplicates;
  pending_objects_.push_back(std::move(record));
  bool full = pending_bytes_ >= options_.commit_bytes ||
              (options_.max_objects_per_commit > 0 && pending_objects_.size() >= options_.max_objects_per_commit);
  return full ? Flush() : Status::OK();
}

Status Committer::Flush() {
  if (pending_objects_.empty()) return Status::OK();
  CommitRecord record;
  record.txn = warehouse_->manifest().next_txn();
  std::vector<StagedFile> files;
  uint64_t rows_written = 0;
  for (auto& [day, state] : days_) {
    if (state.rows.num_rows() == 0) continue;
    std::string relative = fmt::format("{}/part-{:010d}.parquet", PartitionDir(day), record.txn);
    auto staged = warehouse_->StagingPath(fmt::format("{:010d}-{}.parquet", record.txn, day));
    ADXM_RETURN_IF_ERROR(writer_->Write(state.rows, staged));
    rows_written += state.rows.num_rows();
    files.push_back({staged, relative});
    record.added_files.push_back(relative);
    state.rows = RowBatch();  // Release the memory; most days are not touched again.
  }
  record.objects = std::move(pending_objects_);
  pending_objects_.clear();
  pending_bytes_ = 0;
  ADXM_RETURN_IF_ERROR(warehouse_->Commit(files, record));
  report_->objects_ingested += record.objects.size();
  report_->rows_written += rows_written;
  report_->files_written += files.size();
  ++report_->commits;
  return Status::OK();
}

Status Committer::Compact(int64_t day) {
  std::vector<std::string> live = warehouse_->LiveFilesIn(PartitionDir(day));
  if (live.size() <= options_.max_files_per_day) return Status::OK();
  CommitRecord record;
  record.txn = warehouse_->manifest().next_txn();
  std::vector<std::filesystem::path> inputs;
  for (const std::string& file : live) inputs.push_back(warehouse_->TablePath(file));
  auto staged = warehouse_->StagingPath(fmt::format("{:010d}-{}.parquet", record.txn, day));
  ADXM_RETURN_IF_ERROR(writer_->Merge(inputs, staged));
  std::string relative = fmt::format("{}/part-{:010d}.parquet", PartitionDir(day), record.txn);
  record.added_files.push_back(relative);
  record.removed_files = std::move(live);
  ADXM_RETURN_IF_ERROR(warehouse_->Commit({{staged, relative}}, record));
  ++report_->files_written;
  ++report_->commits;
  ++report_->days_compacted;
  return Status::OK();
}

Status Committer::CompactTouchedDays() {
  for (int64_t day : touched_days_) ADXM_RETURN_IF_ERROR(Compact(day));
  return Status::OK();
}

}  // namespace adxm

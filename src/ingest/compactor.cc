#include "ingest/compactor.h"

#include "parquet/parquet_file_writer.h"
#include "warehouse/layout.h"

namespace adxm {
namespace {

// Rows per row group are bounded by bytes: a compaction holds one row group's rows in memory.
constexpr size_t kRowGroupBytes = 8u << 20;
// Row groups smaller than this are not copied but re-encoded together: a commit of a few late
// events leaves groups of tens of rows, which readers pay for in footers and page headers.
constexpr int64_t kMinCopiedRowGroupRows = 16384;

bool AllGroupsLarge(const std::vector<RowGroupInfo>& groups) {
  for (const RowGroupInfo& group : groups) {
    if (group.num_rows < kMinCopiedRowGroupRows) return false;
  }
  return true;
}

}  // namespace

std::map<std::string, std::vector<std::string>> Compactor::DuePartitions() const {
  std::map<std::string, std::vector<std::string>> by_partition;
  for (const std::string& file : warehouse_->state().live_files) {
    size_t slash = file.rfind('/');
    if (slash != std::string::npos) by_partition[file.substr(0, slash)].push_back(file);
  }
  std::erase_if(by_partition, [&](const auto& entry) { return entry.second.size() <= max_files_per_day_; });
  return by_partition;
}

Status Compactor::CompactAll(const std::map<std::string, std::vector<RowGroupInfo>>& written) {
  for (const auto& [partition, files] : DuePartitions()) {
    ADXM_RETURN_IF_ERROR(CompactPartition(partition, files, written));
  }
  return Status::OK();
}

Status Compactor::CompactPartition(const std::string& partition, const std::vector<std::string>& inputs,
                                   const std::map<std::string, std::vector<RowGroupInfo>>& written) {
  CommitRecord record;
  record.txn = warehouse_->manifest().next_txn();
  std::string output = WarehouseLayout::DataFileName(partition, record.txn);
  ADXM_ASSIGN_OR_RETURN(auto file, warehouse_->NewDataFile(output));
  ADXM_ASSIGN_OR_RETURN(auto writer, ParquetFileWriter::Create(std::move(file), output));
  // Files this run wrote with large row groups are appended as bytes; the others (older files,
  // whose layout this run does not know, and small groups) are decoded and re-encoded together,
  // streaming, into row groups of about kRowGroupBytes.
  std::vector<std::filesystem::path> rewrites;
  std::vector<std::string> rewrite_keys;
  for (const std::string& input : inputs) {
    auto it = written.find(input);
    if (it != written.end() && AllGroupsLarge(it->second)) {
      ADXM_RETURN_IF_ERROR(writer->CopyRowGroups(warehouse_->DataReader(input), input, it->second));
    } else {
      rewrites.emplace_back(warehouse_->ReaderPath(input));
      rewrite_keys.push_back(WarehouseLayout::DataKey(input));
    }
  }
  ADXM_RETURN_IF_ERROR(warehouse_->store()->MakeReadable(rewrite_keys));
  std::vector<RowRef> refs;
  ADXM_RETURN_IF_ERROR(reader_->ScanRows(rewrites, kRowGroupBytes, [&](const RowBatch& rows) {
    refs.clear();
    for (size_t row = 0; row < rows.num_rows(); ++row) refs.push_back(RowRef{&rows, static_cast<uint32_t>(row)});
    return writer->WriteRowGroup(refs);
  }).WithContext(output + ": compact"));
  ADXM_RETURN_IF_ERROR(writer->Close());
  record.added_files.push_back(output);
  record.removed_files = inputs;
  ADXM_RETURN_IF_ERROR(warehouse_->Commit(std::move(record)));
  ++report_->files_written;
  ++report_->commits;
  ++report_->days_compacted;
  return Status::OK();
}

}  // namespace adxm

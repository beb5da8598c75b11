#include "parquet/parquet_file_writer.h"

#include <algorithm>

#include "base/file_util.h"
#include "base/parallel.h"
#include "parquet/column_chunk_writer.h"

namespace adxm {

std::string DefaultCreatedBy() { return "adxmetrics version " ADXM_VERSION " (build " ADXM_BUILD_ID ")"; }
namespace {

constexpr std::string_view kMagic = "PAR1";
// Rows gathered row by row (the order their cells and strings lie in memory), then encoded column
// by column while they are still in cache.
constexpr size_t kSliceRows = 1024;
// Bytes gathered before they are handed to the file.
constexpr size_t kFlushBytes = 1u << 20;

}  // namespace

Result<ParquetFileWriter::Compressors> ParquetFileWriter::MakeCompressors(const ParquetWriteOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto zstd, ZstdCompressor::Make(options.zstd_level));
  // The literal mode is an experimental zstd parameter: a library without it gets the usual level.
  auto distinct_zstd = ZstdCompressor::Make(options.distinct_zstd_level, /*entropy_code_literals=*/true);
  if (!distinct_zstd.ok()) distinct_zstd = ZstdCompressor::Make(options.zstd_level);
  if (!distinct_zstd.ok()) return distinct_zstd.status();
  return Compressors{std::move(zstd), std::move(*distinct_zstd)};
}

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Create(std::unique_ptr<WritableFile> file,
                                                                     std::string name,
                                                                     const ParquetWriteOptions& options) {
  std::vector<Compressors> compressors(std::clamp(options.encode_threads, 1, static_cast<int>(kNumColumns)));
  for (Compressors& each : compressors) {
    ADXM_ASSIGN_OR_RETURN(each, MakeCompressors(options));
  }
  std::unique_ptr<ParquetFileWriter> writer(
      new ParquetFileWriter(std::move(name), std::move(file), options, std::move(compressors)));
  ADXM_RETURN_IF_ERROR(writer->Append(kMagic));
  return writer;
}

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::CreateLocal(const std::filesystem::path& path,
                                                                          const ParquetWriteOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto file, NewLocalWritableFile(path));
  return Create(std::move(file), path.string(), options);
}

ParquetFileWriter::ParquetFileWriter(std::string name, std::unique_ptr<WritableFile> file, ParquetWriteOptions options,
                                     std::vector<Compressors> compressors)
    : path_(std::move(name)),
      file_(std::move(file)),
      options_(std::move(options)),
      compressors_(std::move(compressors)),
      column_groups_(compressors_.size()) {
  // Every column on the first thread; with more threads, each row group deals them out by its
  // values (SplitColumns).
  chunk_writers_.reserve(kNumColumns);
  for (int column = 0; column < kNumColumns; ++column) {
    column_groups_[0].push_back(column);
    chunk_writers_.emplace_back(options_, compressors_[0].zstd.get(), compressors_[0].distinct_zstd.get());
  }
}

void ParquetFileWriter::SplitColumns(std::span<const RowRef> rows) {
  // What a string column costs to encode follows how often its value changes from one row to the
  // next (a repeated value skips the dictionary's hash; a new one is hashed, looked up, maybe
  // stored, and its bytes are what zstd works on) far more than the bytes it holds: on a day of
  // ~100-record objects, eventID and object_key cost ~20x source_log_file, which holds three times
  // their bytes. Integers are PLAIN (no dictionary): a change costs them only zstd's extra work.
  // Estimated on the first rows, then columns are dealt largest first to the least loaded thread.
  constexpr size_t kSampleRows = 1024;
  constexpr uint64_t kRowCost = 8;       // Per value: gather, level, index or copy.
  constexpr uint64_t kChangeCost = 64;   // Per changed value: hash, lookup, page bytes.
  const size_t sample = std::min(rows.size(), kSampleRows);
  std::array<uint64_t, kNumColumns> cost{};
  for (int column = 0; column < kNumColumns; ++column) {
    auto id = static_cast<ColumnId>(column);
    const bool text = kColumns[column].type == ColumnType::kVarchar;
    std::string_view previous;
    int64_t previous_int = 0;
    bool has_previous = false;
    uint64_t total = 0;
    for (size_t index = 0; index < sample; ++index) {
      const RowRef& row = rows[index];
      total += kRowCost;
      if (row.batch->IsNull(id, row.row)) continue;
      if (text) {
        std::string_view value = row.batch->GetString(id, row.row);
        if (!has_previous || value != previous) total += kChangeCost + value.size();
        previous = value;
      } else {
        int64_t value = row.batch->GetInt(id, row.row);
        if (!has_previous || value != previous_int) total += kChangeCost / 4;
        previous_int = value;
      }
      has_previous = true;
    }
    cost[column] = total;
  }
  std::array<int, kNumColumns> order;
  for (int column = 0; column < kNumColumns; ++column) order[column] = column;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return cost[a] > cost[b]; });
  std::vector<uint64_t> work(column_groups_.size(), 0);
  for (auto& group : column_groups_) group.clear();
  for (int column : order) {
    size_t group = std::min_element(work.begin(), work.end()) - work.begin();
    work[group] += cost[column];
    column_groups_[group].push_back(column);
    chunk_writers_[column].SetCompressors(compressors_[group].zstd.get(), compressors_[group].distinct_zstd.get());
  }
  // Each thread encodes its columns in schema order, as one thread would.
  for (auto& group : column_groups_) std::sort(group.begin(), group.end());
}

ParquetFileWriter::~ParquetFileWriter() = default;

Status ParquetFileWriter::Append(std::string_view data) {
  // Pages are small; the file gets them in large writes (one syscall or upload part per MiB).
  pending_.append(data);
  offset_ += static_cast<int64_t>(data.size());
  return pending_.size() >= kFlushBytes ? Flush() : Status::OK();
}

Status ParquetFileWriter::Flush() {
  if (pending_.empty()) return Status::OK();
  Status status = file_->Append(pending_);
  pending_.clear();
  if (!status.ok()) failed_ = status.WithContext(path_);
  return status.ok() ? Status::OK() : failed_;
}

Status ParquetFileWriter::WriteRowGroup(std::span<const RowRef> rows) {
  if (!file_) return Status::Internal(path_ + ": write row group after Close");
  ADXM_RETURN_IF_ERROR(failed_);
  if (rows.empty()) return Status::OK();
  RowGroupInfo group;
  group.num_rows = static_cast<int64_t>(rows.size());
  group.file_offset = offset_;
  group.columns.resize(kNumColumns);
  Status status = EncodeRowGroup(rows, &group.columns);
  if (!status.ok()) {
    failed_ = status.WithContext(path_ + ": encode");
    return failed_;
  }
  for (int column = 0; column < kNumColumns; ++column) {
    const ColumnChunkWriter& writer = chunk_writers_[column];
    ColumnChunkInfo& chunk = group.columns[column];
    ShiftPageOffsets(&chunk, offset_);  // They were relative to the chunk's start; it starts here.
    ADXM_RETURN_IF_ERROR(Append(writer.dictionary_page()));
    ADXM_RETURN_IF_ERROR(Append(writer.data_pages()));
    group.total_byte_size += chunk.total_uncompressed_size;
    group.total_compressed_size += chunk.total_compressed_size;
  }
  row_groups_.push_back(std::move(group));
  rows_written_ += rows.size();
  return Status::OK();
}

Status ParquetFileWriter::EncodeRowGroup(std::span<const RowRef> rows, std::vector<ColumnChunkInfo>* chunks) {
  for (int column = 0; column < kNumColumns; ++column) chunk_writers_[column].Begin(static_cast<ColumnId>(column));
  if (column_groups_.size() == 1) return EncodeColumns(rows, column_groups_[0], chunks);
  SplitColumns(rows);
  // Each thread touches only its columns' chunk writers, slices, infos and zstd contexts.
  return ParallelFor(column_groups_.size(), column_groups_.size(),
                     [&](size_t group) { return EncodeColumns(rows, column_groups_[group], chunks); });
}

Status ParquetFileWriter::EncodeColumns(std::span<const RowRef> rows, std::span<const int> columns,
                                        std::vector<ColumnChunkInfo>* chunks) {
  for (size_t begin = 0; begin < rows.size(); begin += kSliceRows) {
    GatherSlice(rows.subspan(begin, std::min(kSliceRows, rows.size() - begin)), columns);
    for (int column : columns) {
      ColumnChunkWriter& writer = chunk_writers_[column];
      ADXM_RETURN_IF_ERROR(kColumns[column].type == ColumnType::kVarchar
                               ? writer.AppendStrings(slice_strings_[column])
                               : writer.AppendIntegers(slice_ints_[column], slice_valid_[column]));
    }
  }
  // The last pages and the dictionary page are compressed here too, on this thread.
  for (int column : columns) ADXM_RETURN_IF_ERROR(chunk_writers_[column].Finish(/*file_offset=*/0, &(*chunks)[column]));
  return Status::OK();
}

void ParquetFileWriter::GatherSlice(std::span<const RowRef> slice, std::span<const int> columns) {
  for (int column : columns) {
    if (kColumns[column].type == ColumnType::kVarchar) {
      slice_strings_[column].resize(slice.size());
    } else {
      slice_ints_[column].resize(slice.size());
      slice_valid_[column].resize(slice.size());
    }
  }
  auto gather_cell = [this](const RowBatch& batch, uint32_t row, int column, size_t position) {
    auto id = static_cast<ColumnId>(column);
    bool null = batch.IsNull(id, row);
    if (kColumns[column].type == ColumnType::kVarchar) {
      // A default string_view (nullptr data) stands for NULL; GetString's data() is never nullptr.
      std::string_view value = null ? std::string_view() : batch.GetString(id, row);
      __builtin_prefetch(value.data());  // The column loops compare and hash these bytes.
      slice_strings_[column][position] = value;
    } else {
      slice_ints_[column][position] = null ? 0 : batch.GetInt(id, row);
      slice_valid_[column][position] = null ? 0 : 1;
    }
  };
  // One thread encoding every column (the common case) loops over a constant range, which the
  // compiler unrolls; a share of the columns loops over its list.
  const bool all_columns = columns.size() == static_cast<size_t>(kNumColumns);
  for (size_t position = 0; position < slice.size(); ++position) {
    const RowBatch& batch = *slice[position].batch;
    uint32_t row = slice[position].row;
    if (all_columns) {
      for (int column = 0; column < kNumColumns; ++column) gather_cell(batch, row, column, position);
    } else {
      for (int column : columns) gather_cell(batch, row, column, position);
    }
  }
}

Status ParquetFileWriter::CopyRowGroups(const ReadRangeFn& read, std::string_view source,
                                        std::span<const RowGroupInfo> groups) {
  if (!file_) return Status::Internal(path_ + ": CopyRowGroups after Close");
  ADXM_RETURN_IF_ERROR(failed_);
  std::string buffer;
  Status status;
  for (const RowGroupInfo& group : groups) {
    // A group's column chunks lie back to back from its first page.
    const int64_t begin = group.file_offset;
    const int64_t size = group.total_compressed_size;
    const int64_t shift = offset_ - begin;
    status = read(static_cast<uint64_t>(begin), static_cast<uint64_t>(size), &buffer);
    if (status.ok() && buffer.size() != static_cast<size_t>(size)) {
      status = Status::Corruption(std::string(source) + ": row group past the end");
    }
    if (!status.ok()) break;
    status = Append(buffer);
    if (!status.ok()) break;
    RowGroupInfo moved = group;
    moved.file_offset += shift;
    for (ColumnChunkInfo& chunk : moved.columns) ShiftPageOffsets(&chunk, shift);
    rows_written_ += static_cast<uint64_t>(moved.num_rows);
    row_groups_.push_back(std::move(moved));
  }
  return status;
}

Status ParquetFileWriter::Close() {
  ADXM_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, Finish());
  ADXM_RETURN_IF_ERROR(file->Sync().WithContext(path_));
  return file->Close().WithContext(path_);
}

Result<std::unique_ptr<WritableFile>> ParquetFileWriter::Finish() {
  if (!file_) return Status::Internal(path_ + ": closed or finished twice");
  ADXM_RETURN_IF_ERROR(failed_);
  std::string footer = SerializeFileMetaData(row_groups_, options_.created_by);
  auto length = static_cast<uint32_t>(footer.size());
  char length_bytes[4] = {static_cast<char>(length), static_cast<char>(length >> 8),
                          static_cast<char>(length >> 16), static_cast<char>(length >> 24)};
  footer.append(length_bytes, 4);
  footer.append(kMagic);
  ADXM_RETURN_IF_ERROR(Append(footer));
  ADXM_RETURN_IF_ERROR(Flush());
  return std::move(file_);
}

}  // namespace adxm

#include "parquet/parquet_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "parquet/column_chunk_writer.h"

namespace adxm {

std::string DefaultCreatedBy() { return "adxmetrics version " ADXM_VERSION " (build " ADXM_BUILD_ID ")"; }
namespace {

constexpr std::string_view kMagic = "PAR1";
// Rows gathered row by row (the order their cells and strings lie in memory), then encoded column
// by column while they are still in cache.
constexpr size_t kSliceRows = 1024;

Status ErrnoStatus(const std::filesystem::path& path, std::string_view op) {
  std::string msg = path.string() + ": " + std::string(op) + " failed: " + std::strerror(errno);
  if (errno == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IoError(std::move(msg));
}

}  // namespace

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Create(const std::filesystem::path& path,
                                                                     const ParquetWriteOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto zstd, ZstdCompressor::Make(options.zstd_level));
  // The literal mode is an experimental zstd parameter: a library without it gets the usual level.
  auto distinct_zstd = ZstdCompressor::Make(options.distinct_zstd_level, /*entropy_code_literals=*/true);
  if (!distinct_zstd.ok()) distinct_zstd = ZstdCompressor::Make(options.zstd_level);
  if (!distinct_zstd.ok()) return distinct_zstd.status();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(path, "create parquet file");
  std::unique_ptr<ParquetFileWriter> writer(new ParquetFileWriter(path, fd, options, std::move(zstd), std::move(*distinct_zstd)));
  ADXM_RETURN_IF_ERROR(writer->Append(kMagic));
  return writer;
}

ParquetFileWriter::ParquetFileWriter(std::filesystem::path path, int fd, ParquetWriteOptions options,
                                     std::unique_ptr<ZstdCompressor> zstd,
                                     std::unique_ptr<ZstdCompressor> distinct_zstd)
    : path_(std::move(path)),
      fd_(fd),
      options_(std::move(options)),
      zstd_(std::move(zstd)),
      distinct_zstd_(std::move(distinct_zstd)) {
  chunk_writers_.reserve(kNumColumns);
  for (int column = 0; column < kNumColumns; ++column) chunk_writers_.emplace_back(options_, zstd_.get(), distinct_zstd_.get());
}

ParquetFileWriter::~ParquetFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status ParquetFileWriter::Append(std::string_view data) {
  while (!data.empty()) {
    ssize_t written = ::write(fd_, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      failed_ = ErrnoStatus(path_, "write");
      return failed_;
    }
    data.remove_prefix(static_cast<size_t>(written));
    offset_ += written;
  }
  return Status::OK();
}

Status ParquetFileWriter::WriteRowGroup(std::span<const RowRef> rows) {
  if (fd_ < 0) return Status::Internal(path_.string() + ": write row group after Close");
  ADXM_RETURN_IF_ERROR(failed_);
  if (rows.empty()) return Status::OK();
  Status status = EncodeRowGroup(rows);
  if (!status.ok()) {
    failed_ = status.WithContext(path_.string() + ": encode");
    return failed_;
  }
  RowGroupInfo group;
  group.num_rows = static_cast<int64_t>(rows.size());
  group.file_offset = offset_;
  group.columns.resize(kNumColumns);
  for (int column = 0; column < kNumColumns; ++column) {
    ColumnChunkWriter& writer = chunk_writers_[column];
    ColumnChunkInfo& chunk = group.columns[column];
    status = writer.Finish(offset_, &chunk);
    if (!status.ok()) {
      failed_ = status.WithContext(path_.string() + ": encode");
      return failed_;
    }
    ADXM_RETURN_IF_ERROR(Append(writer.dictionary_page()));
    ADXM_RETURN_IF_ERROR(Append(writer.data_pages()));
    group.total_byte_size += chunk.total_uncompressed_size;
    group.total_compressed_size += chunk.total_compressed_size;
  }
  row_groups_.push_back(std::move(group));
  rows_written_ += rows.size();
  return Status::OK();
}

Status ParquetFileWriter::EncodeRowGroup(std::span<const RowRef> rows) {
  for (int column = 0; column < kNumColumns; ++column) chunk_writers_[column].Begin(static_cast<ColumnId>(column));
  for (size_t begin = 0; begin < rows.size(); begin += kSliceRows) {
    GatherSlice(rows.subspan(begin, std::min(kSliceRows, rows.size() - begin)));
    for (int column = 0; column < kNumColumns; ++column) {
      ColumnChunkWriter& writer = chunk_writers_[column];
      ADXM_RETURN_IF_ERROR(kColumns[column].type == ColumnType::kVarchar
                               ? writer.AppendStrings(slice_strings_[column])
                               : writer.AppendIntegers(slice_ints_[column], slice_valid_[column]));
    }
  }
  return Status::OK();
}

void ParquetFileWriter::GatherSlice(std::span<const RowRef> slice) {
  for (int column = 0; column < kNumColumns; ++column) {
    if (kColumns[column].type == ColumnType::kVarchar) {
      slice_strings_[column].resize(slice.size());
    } else {
      slice_ints_[column].resize(slice.size());
      slice_valid_[column].resize(slice.size());
    }
  }
  for (size_t position = 0; position < slice.size(); ++position) {
    const RowBatch& batch = *slice[position].batch;
    uint32_t row = slice[position].row;
    for (int column = 0; column < kNumColumns; ++column) {
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
    }
  }
}

Status ParquetFileWriter::CopyRowGroups(const std::filesystem::path& source, std::span<const RowGroupInfo> groups) {
  if (fd_ < 0) return Status::Internal(path_.string() + ": CopyRowGroups after Close");
  ADXM_RETURN_IF_ERROR(failed_);
  int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return ErrnoStatus(source, "open parquet file");
  std::string buffer;
  Status status;
  for (const RowGroupInfo& group : groups) {
    // A group's column chunks lie back to back from its first page.
    const int64_t begin = group.file_offset;
    const int64_t size = group.total_compressed_size;
    const int64_t shift = offset_ - begin;
    buffer.resize(static_cast<size_t>(size));
    int64_t done = 0;
    while (done < size) {
      ssize_t got = ::pread(in, buffer.data() + done, static_cast<size_t>(size - done), begin + done);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        status = got < 0 ? ErrnoStatus(source, "read") : Status::Corruption(source.string() + ": row group past the end");
        break;
      }
      done += got;
    }
    if (!status.ok()) break;
    status = Append(buffer);
    if (!status.ok()) break;
    RowGroupInfo moved = group;
    moved.file_offset += shift;
    for (ColumnChunkInfo& chunk : moved.columns) {
      chunk.data_page_offset += shift;
      if (chunk.dictionary_page_offset) *chunk.dictionary_page_offset += shift;
    }
    rows_written_ += static_cast<uint64_t>(moved.num_rows);
    row_groups_.push_back(std::move(moved));
  }
  ::close(in);
  return status;
}

Status ParquetFileWriter::Close() {
  if (fd_ < 0) return Status::Internal(path_.string() + ": Close called twice");
  ADXM_RETURN_IF_ERROR(failed_);
  std::string footer = SerializeFileMetaData(row_groups_, options_.created_by);
  auto length = static_cast<uint32_t>(footer.size());
  char length_bytes[4] = {static_cast<char>(length), static_cast<char>(length >> 8),
                          static_cast<char>(length >> 16), static_cast<char>(length >> 24)};
  footer.append(length_bytes, 4);
  footer.append(kMagic);
  ADXM_RETURN_IF_ERROR(Append(footer));
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return ErrnoStatus(path_, "close");
  return Status::OK();
}

}  // namespace adxm

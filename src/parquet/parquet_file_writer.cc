#include "parquet/parquet_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "parquet/column_chunk_writer.h"

namespace adxm {
namespace {

constexpr std::string_view kMagic = "PAR1";

Status ErrnoStatus(const std::filesystem::path& path, std::string_view op) {
  std::string msg = path.string() + ": " + std::string(op) + " failed: " + std::strerror(errno);
  if (errno == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IoError(std::move(msg));
}

}  // namespace

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Create(const std::filesystem::path& path,
                                                                     const ParquetWriteOptions& options) {
  ADXM_ASSIGN_OR_RETURN(auto chunk_writer, ColumnChunkWriter::Make(options));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(path, "create parquet file");
  std::unique_ptr<ParquetFileWriter> writer(new ParquetFileWriter(path, fd, options, std::move(chunk_writer)));
  ADXM_RETURN_IF_ERROR(writer->Append(kMagic));
  return writer;
}

ParquetFileWriter::ParquetFileWriter(std::filesystem::path path, int fd, ParquetWriteOptions options,
                                     std::unique_ptr<ColumnChunkWriter> chunk_writer)
    : path_(std::move(path)), fd_(fd), options_(std::move(options)), chunk_writer_(std::move(chunk_writer)) {}

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
  RowGroupInfo group;
  group.num_rows = static_cast<int64_t>(rows.size());
  group.file_offset = offset_;
  group.columns.resize(kNumColumns);
  // Column by column: each chunk is written out before the next is encoded.
  for (int column = 0; column < kNumColumns; ++column) {
    ColumnChunkInfo& chunk = group.columns[column];
    Status status = chunk_writer_->Encode(rows, static_cast<ColumnId>(column), offset_, &chunk);
    if (!status.ok()) {
      failed_ = status.WithContext(path_.string() + ": encode");
      return failed_;
    }
    ADXM_RETURN_IF_ERROR(Append(chunk_writer_->dictionary_page()));
    ADXM_RETURN_IF_ERROR(Append(chunk_writer_->data_pages()));
    group.total_byte_size += chunk.total_uncompressed_size;
    group.total_compressed_size += chunk.total_compressed_size;
  }
  row_groups_.push_back(std::move(group));
  rows_written_ += rows.size();
  return Status::OK();
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

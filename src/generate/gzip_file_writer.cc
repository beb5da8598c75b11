#include "generate/gzip_file_writer.h"

#include "base/file_util.h"

namespace adxm {

GzipFileWriter::GzipFileWriter(int level) : compressor_(libdeflate_alloc_compressor(level)) {}

Result<uint64_t> GzipFileWriter::Write(const std::filesystem::path& path, std::string_view data) {
  if (compressor_ == nullptr) return Status::Internal("libdeflate: cannot allocate a compressor");
  std::string dir = path.parent_path().string();
  if (made_dirs_.count(dir) == 0) {
    ADXM_RETURN_IF_ERROR(CreateDirs(dir));
    made_dirs_.insert(dir);
  }
  buffer_.resize(libdeflate_gzip_compress_bound(compressor_.get(), data.size()));
  size_t size = libdeflate_gzip_compress(compressor_.get(), data.data(), data.size(),
                                         buffer_.data(), buffer_.size());
  if (size == 0) return Status::Internal(path.string() + ": gzip compression failed");
  ADXM_RETURN_IF_ERROR(WriteFile(path, std::string_view(buffer_.data(), size), /*sync=*/false));
  return static_cast<uint64_t>(size);
}

}  // namespace adxm

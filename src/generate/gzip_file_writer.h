// GzipFileWriter: gzip (libdeflate) a buffer and write it as a file, creating parent
// directories once each. Output is deterministic (libdeflate writes a zero gzip mtime).
//
// Thread-safety: not thread-safe; one writer per thread.
// Example:
//   GzipFileWriter writer(/*level=*/6);
//   ADXM_ASSIGN_OR_RETURN(uint64_t gz_bytes, writer.Write(out / key, json));
#pragma once

#include <libdeflate.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "base/status.h"

namespace adxm {

/// Compresses buffers to .gz files.
class GzipFileWriter {
 public:
  /// Compress at libdeflate `level` (1..12).
  explicit GzipFileWriter(int level);

  /// Write `data` gzip'd to `path`, creating its directory; return the compressed size.
  Result<uint64_t> Write(const std::filesystem::path& path, std::string_view data);

 private:
  struct CompressorDeleter {
    void operator()(libdeflate_compressor* compressor) const {
      libdeflate_free_compressor(compressor);
    }
  };
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor_;
  std::string buffer_;               // Reused compressed output.
  std::set<std::string> made_dirs_;  // Directories already created.
};

}  // namespace adxm

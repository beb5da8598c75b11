// ZstdCompressor: one reusable zstd compression context (RAII over ZSTD_CCtx), for page bodies.
//
// Thread-safety: none; one compressor per writer.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto zstd, ZstdCompressor::Make(/*level=*/1));
//   ADXM_RETURN_IF_ERROR(zstd->Compress(body, &compressed));
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

struct ZSTD_CCtx_s;

namespace adxm {

class ZstdCompressor {
 public:
  /// Make a compressor at zstd `level` (negative levels are faster, 1 is the usual default).
  static Result<std::unique_ptr<ZstdCompressor>> Make(int level);
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  /// Replace `out` with one zstd frame holding `input`.
  Status Compress(std::string_view input, std::string* out);

 private:
  explicit ZstdCompressor(ZSTD_CCtx_s* context) : context_(context) {}
  ZSTD_CCtx_s* context_;
};

}  // namespace adxm

#include "parquet/zstd_compressor.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_c_literalCompressionMode (experimental; Make() reports if rejected).
#include <zstd.h>

#include <algorithm>

namespace adxm {

Result<std::unique_ptr<ZstdCompressor>> ZstdCompressor::Make(int level, bool entropy_code_literals) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  if (context == nullptr) return Status::Internal("zstd: create compression context failed");
  std::unique_ptr<ZstdCompressor> compressor(new ZstdCompressor(context));
  size_t code = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level);
  if (ZSTD_isError(code)) {
    return Status::InvalidArgument("zstd: compression level " + std::to_string(level) + ": " +
                                   ZSTD_getErrorName(code));
  }
  if (entropy_code_literals) {
    code = ZSTD_CCtx_setParameter(context, ZSTD_c_literalCompressionMode, ZSTD_ps_enable);
    if (ZSTD_isError(code)) return Status::Internal(std::string("zstd: literal compression: ") + ZSTD_getErrorName(code));
  }
  return compressor;
}

ZstdCompressor::~ZstdCompressor() { ZSTD_freeCCtx(context_); }

Result<std::string_view> ZstdCompressor::Compress(std::string_view input) {
  size_t bound = ZSTD_compressBound(input.size());
  if (bound > capacity_) {
    capacity_ = std::max(bound, capacity_ * 2);
    output_ = std::make_unique_for_overwrite<char[]>(capacity_);
  }
  size_t size = ZSTD_compress2(context_, output_.get(), capacity_, input.data(), input.size());
  if (ZSTD_isError(size)) return Status::Internal(std::string("zstd: compress failed: ") + ZSTD_getErrorName(size));
  return std::string_view(output_.get(), size);
}

}  // namespace adxm

// ZstdCompressor: one reusable zstd compression context (RAII over ZSTD_CCtx), for page bodies.
//
// Thread-safety: none; one compressor per writer.
// Example:
//   ADXM_ASSIGN_OR_RETURN(auto zstd, ZstdCompressor::Make(/*level=*/1));
//   ADXM_ASSIGN_OR_RETURN(std::string_view compressed, zstd->Compress(body));
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
  /// Negative levels leave literals raw unless `entropy_code_literals`: then they are still
  /// Huffman-coded, which keeps most of the gain on text without repeats (hex ids).
  static Result<std::unique_ptr<ZstdCompressor>> Make(int level, bool entropy_code_literals = false);
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  /// Return one zstd frame holding `input`; valid until the next Compress.
  Result<std::string_view> Compress(std::string_view input);

 private:
  explicit ZstdCompressor(ZSTD_CCtx_s* context) : context_(context) {}
  ZSTD_CCtx_s* context_;
  std::unique_ptr<char[]> output_;  // Kept from page to page; never zero-filled (unlike a string).
  size_t capacity_ = 0;
};

}  // namespace adxm

// Gzip decoding of CloudTrail log objects with libdeflate (whole-buffer, no streaming).
//
// A GzipDecoder owns one libdeflate decompressor and is reused for every object a worker
// thread decodes; the output buffer's capacity is reused too (and never zero-filled), so a
// warmed-up decoder does not allocate. Multi-member streams (concatenated gzip files) decode to
// the concatenation.
//
// Thread-safety: none; one GzipDecoder per thread.
// Example:
//   GzipDecoder decoder(simdjson::SIMDJSON_PADDING);
//   ByteBuffer json;
//   ADXM_RETURN_IF_ERROR(decoder.Decode(gz_bytes, &json));
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/status.h"

struct libdeflate_decompressor;

namespace adxm {

/// Decodes whole gzip streams into a reused string buffer.
class GzipDecoder {
 public:
  /// Largest output a decoder ever produces (RowBatch arenas address 32 bits).
  static constexpr size_t kMaxOutputSize = size_t{1} << 32;

  /// Make a decoder whose output keeps at least `padding` bytes of spare capacity and that
  /// refuses to inflate an object past `max_output` bytes (a gzip bomb costs at most that much
  /// memory).
  explicit GzipDecoder(size_t padding = 0, size_t max_output = kMaxOutputSize);
  ~GzipDecoder();
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  /// Replace `*out` with the decompressed bytes of `compressed`.
  /// Afterwards out->capacity() >= out->size() + padding, and the padding bytes are zero. On
  /// failure returns Corruption with one of: "empty object (0 bytes)", "not gzip (bad magic)",
  /// "truncated gzip stream", "corrupt gzip data", "inflates to more than N bytes (...)"; `*out` is then
  /// unspecified.
  Status Decode(std::string_view compressed, ByteBuffer* out);
  /// As above, into a string (a copy, for one-off use); its padding is spare capacity only.
  Status Decode(std::string_view compressed, std::string* out);

 private:
  struct Deleter {
    void operator()(libdeflate_decompressor* decompressor) const;
  };

  // Decode the gzip member at compressed[*in_pos...] to (*out)[*out_pos...], growing `out`.
  Status DecodeMember(std::string_view compressed, size_t* in_pos, size_t* out_pos, ByteBuffer* out);
  // Name a trailer (CRC-32 or ISIZE) that disagrees with completely decoded data; OK otherwise.
  Status CheckTrailer(std::string_view member, char* scratch, size_t capacity);
  // Tell a cut-short member from damaged data after libdeflate failed on it with `capacity`
  // bytes of output space at `scratch`.
  bool LooksTruncated(std::string_view member, char* scratch, size_t capacity);

  size_t padding_;
  size_t max_output_;
  std::unique_ptr<libdeflate_decompressor, Deleter> decompressor_;
};

/// Replace `*out` with the decompressed bytes of `compressed`, leaving `padding` spare capacity.
/// Convenience for one-off use; hot paths keep a GzipDecoder.
Status Gunzip(std::string_view compressed, std::string* out, size_t padding);

}  // namespace adxm

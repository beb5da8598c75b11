// Gzip decoding of CloudTrail log objects, whole (GzipDecoder: ISA-L's inflate (igzip) or
// libdeflate) or a piece at a time (GzipStream: ISA-L).
//
// A GzipDecoder owns one inflate state and one libdeflate decompressor and is reused for every
// object a worker thread decodes; the output buffer's capacity is reused too (and never
// zero-filled), so a warmed-up decoder does not allocate. Multi-member streams (concatenated gzip
// files) decode to the concatenation. libdeflate is the default (docs/performance.md measures
// both: not a clear win either way on the machines we have); with Inflater::kIsal, ISA-L decodes
// (its CRC-32 and size checks included) and any failure, or a header ISA-L would read more
// leniently (reserved flag bits), is decoded again with libdeflate, whose outcome explains it, so
// both inflaters accept the same objects and give the same errors.
//
// Thread-safety: none; one GzipDecoder per thread.
// Example:
//   GzipDecoder decoder(simdjson::SIMDJSON_PADDING);
//   ByteBuffer json;
//   ADXM_RETURN_IF_ERROR(decoder.Decode(gz_bytes, &json));
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/status.h"

struct libdeflate_decompressor;
struct inflate_state;

namespace adxm {

/// Which library inflates.
enum class Inflater {
  kLibdeflate,  // libdeflate (the default).
  kIsal,        // Intel ISA-L's igzip (`--inflate isal`).
};

/// Return the inflater called `name` ("isal" or "libdeflate"), or nullopt.
std::optional<Inflater> ParseInflater(std::string_view name);
/// Return the inflater's name as ParseInflater reads it.
std::string_view InflaterName(Inflater inflater);

/// Return the ISIZE field (the uncompressed size mod 2^32, untrusted) of the gzip member ending
/// at the end of `gz_bytes`, or 0 when they are shorter than a gzip member can be (18 bytes).
size_t GzipAnnouncedSize(std::string_view gz_bytes);

/// Decodes whole gzip streams into a reused string buffer.
class GzipDecoder {
 public:
  /// Largest output a decoder ever produces (RowBatch arenas address 32 bits).
  static constexpr size_t kMaxOutputSize = size_t{1} << 32;

  /// Make a decoder whose output keeps at least `padding` bytes of spare capacity and that
  /// refuses to inflate an object past `max_output` bytes (a gzip bomb costs at most that much
  /// memory).
  explicit GzipDecoder(size_t padding = 0, size_t max_output = kMaxOutputSize, Inflater inflater = Inflater::kLibdeflate);
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

  /// Objects ISA-L did not decode and libdeflate decoded again (failures, or headers ISA-L would
  /// read more leniently); 0 with Inflater::kLibdeflate.
  uint64_t isal_fallbacks() const { return isal_fallbacks_; }

 private:
  struct Deleter {
    void operator()(libdeflate_decompressor* decompressor) const;
    void operator()(inflate_state* state) const;
  };

  // Decode all of `compressed` with ISA-L into `out` (sized to a first guess); false when it
  // fails for any reason, to be decoded again by libdeflate.
  bool DecodeWithIsal(std::string_view compressed, ByteBuffer* out);

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
  std::unique_ptr<inflate_state, Deleter> isal_;  // Only with Inflater::kIsal.
  uint64_t isal_fallbacks_ = 0;
};

/// Inflates one gzip member a piece at a time with ISA-L, for objects too large to hold whole.
/// It reports failure without a reason for anything unusual (damage, a cut stream, a checksum or
/// size mismatch, reserved header flags, bytes after the member such as a second member):
/// callers then decode the object whole with a GzipDecoder, whose message names the problem.
/// It accepts what ISA-L accepts, as GzipDecoder with Inflater::kIsal does: that includes a
/// deflate stream whose Huffman code is incomplete, which libdeflate refuses.
///
/// Thread-safety: none.
/// Example:
///   GzipStream stream;
///   bool done = false;
///   if (!stream.Start(gz_bytes)) ...;
///   while (!done) { if (!stream.Read(buffer, sizeof buffer, &produced, &done)) ...; }
class GzipStream {
 public:
  GzipStream();
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  /// Start inflating `compressed`, which must outlive the reads; false if it cannot be read here.
  bool Start(std::string_view compressed);
  /// Inflate up to `capacity` bytes (at least 1) into `out`, setting `*produced`; `*done` once
  /// the member ended with a correct trailer and no input is left. False on any failure.
  bool Read(char* out, size_t capacity, size_t* produced, bool* done);

 private:
  struct Deleter {
    void operator()(inflate_state* state) const;
  };
  std::unique_ptr<inflate_state, Deleter> state_;
};

/// Replace `*out` with the decompressed bytes of `compressed`, leaving `padding` spare capacity.
/// Convenience for one-off use; hot paths keep a GzipDecoder.
Status Gunzip(std::string_view compressed, std::string* out, size_t padding, Inflater inflater = Inflater::kLibdeflate);

}  // namespace adxm

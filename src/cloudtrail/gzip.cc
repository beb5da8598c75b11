#include "cloudtrail/gzip.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace adxm {
namespace {

constexpr size_t kMinMemberSize = 18;        // 10-byte header + 8-byte trailer.
constexpr size_t kMaxExpansion = 1032;       // Deflate cannot expand input more than this.
constexpr size_t kTruncationProbe = 32;      // Bytes a damaged stream leaves unread at its end.
constexpr size_t kMaxBlockHeaderSize = 300;  // A dynamic Huffman block header fits in 286 bytes.

bool HasGzipMagic(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x1f &&
         static_cast<uint8_t>(bytes[1]) == 0x8b;
}

// Return the ISIZE field (uncompressed size mod 2^32) of the member ending at the end of `bytes`.
size_t TrailerSize(std::string_view bytes) {
  const auto* tail = reinterpret_cast<const uint8_t*>(bytes.data() + bytes.size() - 4);
  return tail[0] | (tail[1] << 8) | (tail[2] << 16) | (static_cast<size_t>(tail[3]) << 24);
}

Status Truncated() { return Status::Corruption("truncated gzip stream"); }
Status Damaged() { return Status::Corruption("corrupt gzip data"); }

}  // namespace

void GzipDecoder::Deleter::operator()(libdeflate_decompressor* decompressor) const {
  libdeflate_free_decompressor(decompressor);
}

GzipDecoder::GzipDecoder(size_t padding, size_t max_output)
    : padding_(padding),
      max_output_(std::min(max_output, kMaxOutputSize)),
      decompressor_(libdeflate_alloc_decompressor()) {}

GzipDecoder::~GzipDecoder() = default;

Status GzipDecoder::Decode(std::string_view compressed, std::string* out) {
  ByteBuffer buffer;
  ADXM_RETURN_IF_ERROR(Decode(compressed, &buffer));
  out->reserve(buffer.size() + padding_);
  out->assign(buffer.data(), buffer.size());
  return Status::OK();
}

Status GzipDecoder::Decode(std::string_view compressed, ByteBuffer* out) {
  if (compressed.empty()) return Status::Corruption("empty object (0 bytes)");
  if (!HasGzipMagic(compressed)) return Status::Corruption("not gzip (bad magic)");
  if (compressed.size() < kMinMemberSize) return Truncated();
  if (decompressor_ == nullptr) return Status::Internal("cannot allocate a libdeflate decompressor");
  // The last member's ISIZE is the whole size for the usual single-member object. It is
  // untrusted, hence the cap; a wrong guess only costs a retry.
  out->Resize(std::min({TrailerSize(compressed), compressed.size() * kMaxExpansion, max_output_}), padding_);
  size_t in_pos = 0;
  size_t out_pos = 0;
  while (in_pos < compressed.size()) {
    ADXM_RETURN_IF_ERROR(DecodeMember(compressed, &in_pos, &out_pos, out));
  }
  out->Resize(out_pos, padding_);
  std::memset(out->data() + out_pos, 0, padding_);  // Defined bytes for readers that run past the end.
  return Status::OK();
}

Status GzipDecoder::DecodeMember(std::string_view compressed, size_t* in_pos, size_t* out_pos,
                                 ByteBuffer* out) {
  std::string_view member = compressed.substr(*in_pos);
  if (!HasGzipMagic(member)) return Status::Corruption("corrupt gzip data: garbage after member");
  if (member.size() < kMinMemberSize) return Truncated();
  for (;;) {
    size_t in_used = 0;
    size_t out_used = 0;
    size_t available = out->size() - *out_pos;
    libdeflate_result result =
        libdeflate_gzip_decompress_ex(decompressor_.get(), member.data(), member.size(),
                                      out->data() + *out_pos, available, &in_used, &out_used);
    if (result == LIBDEFLATE_SUCCESS) {
      *in_pos += in_used;
      *out_pos += out_used;
      return Status::OK();
    }
    if (result != LIBDEFLATE_INSUFFICIENT_SPACE) {
      return LooksTruncated(member, out->data() + *out_pos, available) ? Truncated() : Damaged();
    }
    if (out->size() >= max_output_) {
      return Status::Corruption("inflates to more than " + std::to_string(max_output_) +
                                " bytes (the per-object limit, --max-object-bytes; a gzip bomb or not a "
                                "CloudTrail log)");
    }
    out->Resize(std::min(std::max<size_t>(2 * out->size(), 4096), max_output_), padding_);
  }
}

// libdeflate reports truncation and damage alike, and deflate cannot always tell them apart:
// damage that desynchronizes the decoder makes it read garbage on to the end, like a cut does.
// Find how far decoding gets (by bisection on the output capacity: INSUFFICIENT_SPACE means it
// got further), then judge: a stream that fails before its last bytes is damaged; one that needs
// them was cut short, unless its trailer is intact (announces about the size decoded, as garbage
// decodes at about the true rate), whereas a cut stream ends in random bytes. Error path only.
bool GzipDecoder::LooksTruncated(std::string_view member, char* scratch, size_t capacity) {
  auto gets_past = [&](std::string_view input, size_t limit) {
    size_t in_used = 0;
    size_t out_used = 0;
    return libdeflate_gzip_decompress_ex(decompressor_.get(), input.data(), input.size(), scratch,
                                         limit, &in_used, &out_used) == LIBDEFLATE_INSUFFICIENT_SPACE;
  };
  // Members this short may be all block header, too little to judge by; a cut is likelier.
  bool short_member = member.size() < kMinMemberSize + kMaxBlockHeaderSize;
  if (!gets_past(member, 0)) return short_member;
  // Invariant: decoding gets past `low` bytes of output but not past `high` bytes.
  size_t low = 0;
  size_t high = capacity;
  while (high - low > 1) {
    size_t middle = low + (high - low) / 2;
    (gets_past(member, middle) ? low : high) = middle;
  }
  size_t announced = TrailerSize(member);
  if (high == announced) return false;  // Complete, but the checksum fails.
  if (short_member) return true;
  if (gets_past(member.substr(0, member.size() - kTruncationProbe), low)) return false;  // Failed early.
  return announced < high / 2 || announced > high * 2;
}

Status Gunzip(std::string_view compressed, std::string* out, size_t padding) {
  GzipDecoder decoder(padding);
  return decoder.Decode(compressed, out);
}

}  // namespace adxm

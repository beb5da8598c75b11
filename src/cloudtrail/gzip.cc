#include "cloudtrail/gzip.h"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
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

// Return the size of the gzip header at the start of `member` (RFC 1952), or 0 if it is cut short.
size_t HeaderSize(std::string_view member) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(member.data());
  if (member.size() < 10) return 0;
  uint8_t flags = bytes[3];
  size_t pos = 10;
  if ((flags & 0x04) != 0) {  // FEXTRA
    if (pos + 2 > member.size()) return 0;
    pos += 2 + (bytes[pos] | (bytes[pos + 1] << 8));
  }
  for (uint8_t text_flag : {uint8_t{0x08}, uint8_t{0x10}}) {  // FNAME, FCOMMENT: zero-terminated.
    if ((flags & text_flag) == 0) continue;
    pos = pos < member.size() ? member.find('\0', pos) : std::string_view::npos;
    if (pos == std::string_view::npos) return 0;
    ++pos;
  }
  if ((flags & 0x02) != 0) pos += 2;  // FHCRC
  return pos <= member.size() ? pos : 0;
}

uint32_t LoadLe32(const char* bytes) {
  const auto* u = reinterpret_cast<const uint8_t*>(bytes);
  return u[0] | (u[1] << 8) | (u[2] << 16) | (static_cast<uint32_t>(u[3]) << 24);
}

Status Truncated() { return Status::Corruption("truncated gzip stream"); }
Status Damaged() { return Status::Corruption("corrupt gzip data"); }

}  // namespace

std::optional<Inflater> ParseInflater(std::string_view name) {
  if (name == "isal") return Inflater::kIsal;
  if (name == "libdeflate") return Inflater::kLibdeflate;
  return std::nullopt;
}

std::string_view InflaterName(Inflater inflater) {
  return inflater == Inflater::kIsal ? "isal" : "libdeflate";
}

size_t GzipAnnouncedSize(std::string_view gz_bytes) {
  if (gz_bytes.size() < kMinMemberSize) return 0;
  const auto* tail = reinterpret_cast<const uint8_t*>(gz_bytes.data() + gz_bytes.size() - 4);
  return tail[0] | (tail[1] << 8) | (tail[2] << 16) | (static_cast<size_t>(tail[3]) << 24);
}

void GzipDecoder::Deleter::operator()(libdeflate_decompressor* decompressor) const {
  libdeflate_free_decompressor(decompressor);
}

void GzipDecoder::Deleter::operator()(inflate_state* state) const { delete state; }

GzipDecoder::GzipDecoder(size_t padding, size_t max_output, Inflater inflater)
    : padding_(padding),
      max_output_(std::min(max_output, kMaxOutputSize)),
      decompressor_(libdeflate_alloc_decompressor()),
      isal_(inflater == Inflater::kIsal ? new inflate_state : nullptr) {}

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
  out->Resize(std::min({GzipAnnouncedSize(compressed), compressed.size() * kMaxExpansion, max_output_}), padding_);
  if (isal_ != nullptr) {
    if (DecodeWithIsal(compressed, out)) return Status::OK();
    ++isal_fallbacks_;
  }
  size_t in_pos = 0;
  size_t out_pos = 0;
  while (in_pos < compressed.size()) {
    ADXM_RETURN_IF_ERROR(DecodeMember(compressed, &in_pos, &out_pos, out));
  }
  out->Resize(out_pos, padding_);
  std::memset(out->data() + out_pos, 0, padding_);  // Defined bytes for readers that run past the end.
  return Status::OK();
}

bool GzipDecoder::DecodeWithIsal(std::string_view compressed, ByteBuffer* out) {
  constexpr size_t kMaxChunk = std::numeric_limits<uint32_t>::max();  // ISA-L counts in 32 bits.
  if (compressed.size() > kMaxChunk) return false;
  size_t in_pos = 0;
  size_t out_pos = 0;
  while (in_pos < compressed.size()) {
    std::string_view member = compressed.substr(in_pos);
    if (!HasGzipMagic(member) || member.size() < kMinMemberSize) return false;
    // Reserved flag bits: libdeflate refuses such a header, ISA-L would skip them.
    if ((static_cast<uint8_t>(member[3]) & 0xE0) != 0) return false;
    size_t member_start = out_pos;
    for (;;) {  // Until the member decodes whole; each pass starts it again with more room.
      isal_inflate_init(isal_.get());
      isal_->crc_flag = ISAL_GZIP;  // Parse the header; check the trailer's CRC-32 and size.
      isal_->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(member.data()));
      isal_->avail_in = static_cast<uint32_t>(member.size());
      isal_->next_out = reinterpret_cast<uint8_t*>(out->data() + member_start);
      isal_->avail_out = static_cast<uint32_t>(std::min(out->size() - member_start, kMaxChunk));
      int result = isal_inflate(isal_.get());
      if (result != ISAL_DECOMP_OK) return false;
      out_pos = reinterpret_cast<char*>(isal_->next_out) - out->data();
      if (isal_->block_state == ISAL_BLOCK_FINISH) break;
      // Out of room (else the input ended mid-stream: libdeflate will name the problem).
      if (isal_->avail_out != 0 || out->size() >= max_output_) return false;
      out->Resize(std::min(std::max<size_t>(2 * out->size(), 4096), max_output_), padding_);
    }
    in_pos += member.size() - isal_->avail_in;
  }
  out->Resize(out_pos, padding_);
  std::memset(out->data() + out_pos, 0, padding_);  // Defined bytes for readers that run past the end.
  return true;
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
      ADXM_RETURN_IF_ERROR(CheckTrailer(member, out->data() + *out_pos, available));
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

// A member whose deflate data decodes completely, followed by a whole trailer, failed on its
// trailer: name which field disagrees rather than guess at truncation. Error path only.
Status GzipDecoder::CheckTrailer(std::string_view member, char* scratch, size_t capacity) {
  size_t header = HeaderSize(member);
  if (header == 0) return Status::OK();
  size_t in_used = 0;
  size_t out_used = 0;
  libdeflate_result result = libdeflate_deflate_decompress_ex(
      decompressor_.get(), member.data() + header, member.size() - header, scratch, capacity, &in_used, &out_used);
  size_t trailer = header + in_used;
  if (result != LIBDEFLATE_SUCCESS || trailer + 8 > member.size()) return Status::OK();
  if (libdeflate_crc32(0, scratch, out_used) != LoadLe32(member.data() + trailer)) {
    return Status::Corruption("corrupt gzip data: CRC-32 mismatch (the data or its checksum is damaged)");
  }
  if (static_cast<uint32_t>(out_used) != LoadLe32(member.data() + trailer + 4)) {
    return Status::Corruption("corrupt gzip data: the trailer's size field (ISIZE) disagrees with the data");
  }
  return Status::OK();
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
  size_t announced = GzipAnnouncedSize(member);
  if (high == announced) return false;  // Complete, but the checksum fails.
  if (short_member) return true;
  if (gets_past(member.substr(0, member.size() - kTruncationProbe), low)) return false;  // Failed early.
  return announced < high / 2 || announced > high * 2;
}

void GzipStream::Deleter::operator()(inflate_state* state) const { delete state; }

GzipStream::GzipStream() : state_(new inflate_state) {}
GzipStream::~GzipStream() = default;

bool GzipStream::Start(std::string_view compressed) {
  if (!HasGzipMagic(compressed) || compressed.size() < kMinMemberSize) return false;
  if (compressed.size() > std::numeric_limits<uint32_t>::max()) return false;  // ISA-L counts in 32 bits.
  if ((static_cast<uint8_t>(compressed[3]) & 0xE0) != 0) return false;  // Reserved flags: see DecodeWithIsal.
  isal_inflate_init(state_.get());
  state_->crc_flag = ISAL_GZIP;  // Parse the header; check the trailer's CRC-32 and size.
  state_->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(compressed.data()));
  state_->avail_in = static_cast<uint32_t>(compressed.size());
  return true;
}

bool GzipStream::Read(char* out, size_t capacity, size_t* produced, bool* done) {
  *produced = 0;
  *done = false;
  if (state_->block_state == ISAL_BLOCK_FINISH) return false;  // Read past the end.
  state_->next_out = reinterpret_cast<uint8_t*>(out);
  state_->avail_out = static_cast<uint32_t>(std::min<size_t>(capacity, std::numeric_limits<uint32_t>::max()));
  int result = isal_inflate(state_.get());
  *produced = reinterpret_cast<char*>(state_->next_out) - out;
  if (result != ISAL_DECOMP_OK) return false;
  if (state_->block_state == ISAL_BLOCK_FINISH) {
    *done = true;
    return state_->avail_in == 0;  // More bytes: another member or garbage, for the whole decoder.
  }
  return *produced > 0;  // Nothing produced with room to spare: the input ended mid-stream.
}

Status Gunzip(std::string_view compressed, std::string* out, size_t padding, Inflater inflater) {
  GzipDecoder decoder(padding, GzipDecoder::kMaxOutputSize, inflater);
  return decoder.Decode(compressed, out);
}

}  // namespace adxm

#include "warehouse/object_index.h"

#include <libdeflate.h>

#include <cctype>

namespace adxm {
namespace {

constexpr std::string_view kMagic = "ADXMIDX1";

void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

bool GetVarint(std::string_view* in, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

bool GetBytes(std::string_view* in, uint64_t size, std::string_view* out) {
  if (in->size() < size) return false;
  *out = in->substr(0, size);
  in->remove_prefix(size);
  return true;
}

bool IsDigits(std::string_view text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string ObjectIndexPart(std::string_view key) {
  // The last "/YYYY/MM/DD/" of the key: CloudTrail's delivery folders.
  for (size_t pos = key.size(); pos >= 12;) {
    pos = key.rfind('/', pos - 1);
    if (pos == std::string_view::npos || pos < 11) break;
    std::string_view folder = key.substr(pos - 11, 12);  // "/YYYY/MM/DD/"
    if (folder[0] == '/' && folder[5] == '/' && folder[8] == '/' && IsDigits(folder.substr(1, 4)) &&
        IsDigits(folder.substr(6, 2)) && IsDigits(folder.substr(9, 2))) {
      return std::string(folder.substr(1, 4)) + std::string(folder.substr(6, 2)) + std::string(folder.substr(9, 2));
    }
  }
  return "other";
}

std::string EncodeObjectIndex(const std::vector<IndexedObject>& entries) {
  std::string out(kMagic);
  PutVarint(entries.size(), &out);
  std::string_view previous;
  for (const IndexedObject& entry : entries) {
    size_t shared = 0;
    while (shared < previous.size() && shared < entry.key.size() && previous[shared] == entry.key[shared]) ++shared;
    PutVarint(shared, &out);
    PutVarint(entry.key.size() - shared, &out);
    out.append(entry.key, shared);
    PutVarint(entry.size, &out);
    PutVarint(entry.version.size(), &out);
    out += entry.version;
    previous = entry.key;
  }
  uint32_t crc = libdeflate_crc32(0, out.data(), out.size());
  for (int byte = 0; byte < 4; ++byte) out.push_back(static_cast<char>(crc >> (8 * byte)));
  return out;
}

Result<std::vector<IndexedObject>> DecodeObjectIndex(std::string_view data, std::string_view name) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption(std::string(name) + ": object index " + std::string(why));
  };
  if (data.size() < kMagic.size() + 5 || data.substr(0, kMagic.size()) != kMagic) return corrupt("has no header");
  std::string_view body = data.substr(0, data.size() - 4);
  uint32_t stored = 0;
  for (int byte = 0; byte < 4; ++byte) {
    stored |= static_cast<uint32_t>(static_cast<uint8_t>(data[data.size() - 4 + byte])) << (8 * byte);
  }
  if (libdeflate_crc32(0, body.data(), body.size()) != stored) return corrupt("fails its checksum");
  body.remove_prefix(kMagic.size());
  uint64_t count = 0;
  if (!GetVarint(&body, &count) || count > body.size()) return corrupt("is truncated");
  std::vector<IndexedObject> entries(count);
  std::string_view previous;
  for (IndexedObject& entry : entries) {
    uint64_t shared = 0, unshared = 0, version_size = 0;
    std::string_view suffix, version;
    if (!GetVarint(&body, &shared) || shared > previous.size() || !GetVarint(&body, &unshared) ||
        !GetBytes(&body, unshared, &suffix) || !GetVarint(&body, &entry.size) || !GetVarint(&body, &version_size) ||
        !GetBytes(&body, version_size, &version)) {
      return corrupt("is truncated");
    }
    entry.key.reserve(shared + unshared);
    entry.key.assign(previous.substr(0, shared));
    entry.key += suffix;
    entry.version = version;
    previous = entry.key;
  }
  if (!body.empty()) return corrupt("has trailing bytes");
  return entries;
}

}  // namespace adxm

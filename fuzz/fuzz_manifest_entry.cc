// Fuzz target: bytes as one piece of a format-2 manifest. The first input byte picks which:
// even -> an object index part (DecodeObjectIndex), odd -> a commit log entry (DecodeRecord; with
// bit 1 set the CRC is rewritten to match the body, to get past the checksum into the JSON).
// Invariants: decoding never crashes and fails only with Corruption (parts) or false (entries);
// what decodes re-encodes to bytes that decode to the same thing.
#include <libdeflate.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "warehouse/manifest.h"
#include "warehouse/object_index.h"

namespace {

using adxm::fuzz::Require;

void FuzzIndex(std::string_view bytes) {
  (void)adxm::ObjectIndexPart(bytes);
  auto decoded = adxm::DecodeObjectIndex(bytes, "part");
  if (!decoded.ok()) {
    Require(decoded.status().code() == adxm::StatusCode::kCorruption, "a bad part is Corruption");
    return;
  }
  auto again = adxm::DecodeObjectIndex(adxm::EncodeObjectIndex(*decoded), "part");
  Require(again.ok() && again->size() == decoded->size(), "a decoded part re-encodes");
  for (size_t index = 0; index < decoded->size(); ++index) {
    Require((*again)[index].key == (*decoded)[index].key && (*again)[index].size == (*decoded)[index].size &&
                (*again)[index].version == (*decoded)[index].version,
            "re-encoding keeps every entry");
  }
}

void FuzzEntry(std::string entry, bool fix_crc) {
  if (fix_crc && entry.size() >= 9) {
    std::string_view body = std::string_view(entry).substr(9);
    if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
    char crc[9];
    std::snprintf(crc, sizeof(crc), "%08x", libdeflate_crc32(0, body.data(), body.size()));
    entry.replace(0, 8, crc);
    entry[8] = ' ';
  }
  adxm::CommitRecord record;
  if (!adxm::Manifest::DecodeRecord(entry, &record)) return;
  if (!adxm::Manifest::IsEncodable(record)) return;
  adxm::CommitRecord again;
  Require(adxm::Manifest::DecodeRecord(adxm::Manifest::EncodeRecord(record), &again), "a decoded entry re-encodes");
  Require(again.txn == record.txn && again.objects.size() == record.objects.size() &&
              again.added_files == record.added_files && again.removed_files == record.removed_files &&
              again.rejects.size() == record.rejects.size() && again.vacuumed == record.vacuumed,
          "re-encoding keeps the record");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    FuzzIndex(bytes);
  } else {
    FuzzEntry(std::move(bytes), (data[0] & 2) != 0);
  }
  return 0;
}

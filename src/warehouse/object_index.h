// The processed-object index: which log objects a warehouse has ingested (key, size, version),
// split into parts by the log's delivery day so a run reads only the parts its listing needs.
//
// A part file is immutable and sorted by key, keys front-coded (each stores only what differs
// from the previous key, as leveldb's blocks do: CloudTrail keys share ~90 of ~110 bytes):
//   "ADXMIDX1" varint(count) { varint(shared) varint(unshared) bytes varint(size)
//                              varint(version_len) bytes }* fixed32le(crc32 of all before)
//
// Thread-safety: free functions; no shared state.
// Example:
//   std::string part = ObjectIndexPart(key);                   // "20230501"
//   ADXM_ASSIGN_OR_RETURN(auto entries, DecodeObjectIndex(bytes, name));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace adxm {

/// One processed object as the index keeps it.
struct IndexedObject {
  std::string key;
  uint64_t size = 0;
  std::string version;
};

/// Return the index part of a log key: its delivery day "YYYYMMDD" (the last /YYYY/MM/DD/ folder
/// of the key), or "other" for keys without one.
std::string ObjectIndexPart(std::string_view key);

/// Serialize `entries` (sorted by key, unique) as a part file.
std::string EncodeObjectIndex(const std::vector<IndexedObject>& entries);

/// Parse a part file; Corruption naming `name` if it is damaged.
Result<std::vector<IndexedObject>> DecodeObjectIndex(std::string_view data, std::string_view name);

}  // namespace adxm

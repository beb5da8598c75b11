// DigestWriter: CloudTrail-Digest files. Real trails write one digest per region per hour,
// listing the SHA-256 of each log file's uncompressed content and chained to the previous digest
// through previousDigest* fields. We write them for the first delivery hour of each day only —
// enough for an ingester to meet (and skip) them without hashing the whole bucket.
//
// Thread-safety: not thread-safe.
// Example:
//   DigestWriter digests(world, seed);
//   if (DigestWriter::Covers(delivery)) digests.Add(region, delivery, {key, Sha256Hex(json), ...});
//   ADXM_ASSIGN_OR_RETURN(int written, digests.WriteAll(out, &gzip_writer));
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "generate/gzip_file_writer.h"
#include "generate/world.h"

namespace adxm {

/// A log file as a digest lists it.
struct DigestEntry {
  std::string key;     // Log object key (relative to the bucket).
  std::string sha256;  // SHA-256 hex of the uncompressed JSON.
  int64_t oldest = 0;  // Oldest eventTime in the file, Unix seconds.
  int64_t newest = 0;  // Newest eventTime in the file.
};

/// Collects log files per (region, delivery hour) and writes chained digests.
class DigestWriter {
 public:
  /// Describe logs of `world`; digest signatures derive from `seed`.
  DigestWriter(const World& world, uint64_t seed) : world_(world), seed_(seed) {}

  /// Return true when a log file delivered at `delivery_time` is listed in a digest.
  static bool Covers(int64_t delivery_time) { return delivery_time % 86400 < 3600; }

  /// Record a log file of `region` delivered at `delivery_time` (Covers() must hold).
  void Add(int region, int64_t delivery_time, DigestEntry entry);

  /// Write every digest under `out`; return how many were written.
  Result<int> WriteAll(const std::filesystem::path& out, GzipFileWriter* writer) const;

 private:
  std::string Render(int64_t hour_start, const std::vector<DigestEntry>& files,
                     const std::string& key, const std::string& previous_key,
                     const std::string& previous_hash) const;

  const World& world_;
  uint64_t seed_;
  std::map<std::pair<int, int64_t>, std::vector<DigestEntry>> hours_;  // (region, hour start).
};

}  // namespace adxm

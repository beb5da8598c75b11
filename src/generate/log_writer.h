// LogWriter: delivers a day's events the way CloudTrail does — one gzip'd `{"Records":[...]}`
// file per region per delivery window (5 minutes unless asked otherwise), named and foldered by delivery time (window end plus a
// few minutes, so late-evening events land in the next day's folder), records shuffled; a few
// whole files delivered 1-3 days late; a few records delivered a second time in another file.
//
// Thread-safety: not thread-safe; use one LogWriter per thread (days are independent).
// Example:
//   LogWriter logs(world, options.out, options.seed, options.window_seconds);
//   DayDelivery delivery;
//   ADXM_RETURN_IF_ERROR(logs.WriteDay(day_index, day_start, events, &delivery));
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "generate/digest_writer.h"
#include "generate/event.h"
#include "generate/gzip_file_writer.h"
#include "generate/random.h"
#include "generate/record_writer.h"
#include "generate/world.h"

namespace adxm {

/// What LogWriter has written.
struct DeliveryStats {
  uint64_t files = 0;                 // Log files (digests excluded).
  uint64_t late_files = 0;            // Log files delivered a day or more late.
  uint64_t duplicate_deliveries = 0;  // Extra copies of records delivered twice.
  uint64_t json_bytes = 0;            // Uncompressed JSON of the log files.
  uint64_t gz_bytes = 0;              // Compressed size of the log files.
  uint64_t digest_files = 0;          // CloudTrail-Digest files.

  /// Add `other`'s counts to these.
  void Add(const DeliveryStats& other);
};

/// A log file to list in a digest.
struct DigestItem {
  int region = 0;             // Index into World::regions.
  int64_t delivery_time = 0;  // When it was delivered, Unix seconds.
  DigestEntry entry;          // What the digest says about it.
};

/// What delivering one day produced.
struct DayDelivery {
  DeliveryStats stats;              // Counts of the day's files.
  std::vector<DigestItem> digests;  // Its files that digests list, in delivery order.
};

/// Writes log files under `out`; one LogWriter per thread, each day's output independent.
class LogWriter {
 public:
  /// Write logs of `world` under `out`, one file per region per `window_seconds` (which divides a
  /// day) with events; delivery randomness derives from `seed`.
  LogWriter(const World& world, std::filesystem::path out, uint64_t seed, int window_seconds);

  /// Deliver `events`, all of the day `day_index` starting at `day_start` (Unix seconds).
  Status WriteDay(int day_index, int64_t day_start, std::span<const Event> events,
                  DayDelivery* result);

 private:
  void PlanDuplicates(Rng& rng, int64_t day_start, std::span<const Event> events,
                      DayDelivery* result);
  Status DeliverFile(Rng& rng, int region, int64_t window_end, std::span<const Event> events,
                     std::vector<uint32_t>* records, DayDelivery* result);
  std::string FileKey(Rng& rng, int region, int64_t delivery_time) const;

  const World& world_;
  std::filesystem::path out_;
  uint64_t seed_;
  int window_seconds_;                          // Delivery window of one file.
  int windows_per_day_;                         // 86400 / window_seconds_.
  RecordWriter records_;
  GzipFileWriter gzip_;
  std::vector<std::vector<uint32_t>> windows_;  // [region * windows_per_day_ + window] → events.
  std::string json_;                            // Reused file content.
  bool day_zero_ = false;                       // Writing day 0 (which always has a late file).
};

}  // namespace adxm

// GroundTruth: the answers the curated dataset must give for a generated bucket, accumulated
// from the event model while generating (never by re-reading the files): per month of eventTime
// the distinct subscribers, event counts and bytes; per day the qualifying events; totals.
//
// Thread-safety: not thread-safe.
// Example:
//   GroundTruth truth(world);
//   truth.AddDay(day_start, events);
//   std::string json = truth.ToJson(options, logs.stats());
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>

#include "generate/event.h"
#include "generate/generator.h"
#include "generate/log_writer.h"
#include "generate/world.h"

namespace adxm {

/// Expected results over the unique qualifying events.
class GroundTruth {
 public:
  /// Count events of `world`, which must outlive this object.
  explicit GroundTruth(const World& world) : world_(world) {}

  /// Count the events (each once) of the day starting at `day_start` (Unix seconds).
  void AddDay(int64_t day_start, std::span<const Event> events);

  /// Return ground_truth.json for a run with `options` whose delivery produced `stats`.
  std::string ToJson(const GenerateOptions& options, const DeliveryStats& stats) const;

  /// Return the number of unique qualifying events.
  uint64_t qualifying_events() const { return qualifying_; }
  /// Return the number of unique records that do not qualify.
  uint64_t noise_events() const { return noise_; }

 private:
  struct Month {
    std::set<std::string> subscribers;             // Excluding anonymous.
    std::map<std::string, uint64_t> event_counts;  // eventName → count, excluding anonymous.
    std::map<std::string, uint64_t> bytes;         // Account (or anonymous) → bytes out.
    uint64_t events = 0;                           // Including anonymous.
  };

  const World& world_;
  std::map<std::string, Month> months_;   // "YYYY-MM" → month.
  std::map<std::string, uint64_t> days_;  // "YYYY-MM-DD" → qualifying events.
  uint64_t qualifying_ = 0;
  uint64_t all_access_points_ = 0;
  uint64_t noise_ = 0;
};

}  // namespace adxm

// GroundTruth: the answers the curated dataset must give for a generated bucket, accumulated
// from the event model while generating (never by re-reading the files): per month of eventTime
// the distinct subscribers, event counts and bytes; per day the qualifying events; totals; and
// what the usage reports must find: usage per subscriber and day, failures, client families,
// access points, operations, downloads per object, and the cast's scenario (who goes quiet,
// spikes, starts late, fails in a burst).
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
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

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

  /// Request counts of one group of events; failed requests send no bytes and are no download.
  struct Counts {
    uint64_t requests = 0;
    uint64_t failed = 0;
    uint64_t downloads = 0;  // Successful GetObject.
    uint64_t bytes_out = 0;  // Bytes of successful requests.
    void Add(const Event& event);
  };

  /// Index of the requester in usage_ vectors: 0 for anonymous, 1 + subscriber index otherwise.
  static size_t RequesterIndex(const Event& event) {
    return event.anonymous ? 0 : static_cast<size_t>(event.subscriber) + 1;
  }
  std::string RequesterName(size_t requester) const {
    return requester == 0 ? "anonymous" : world_.subscribers[requester - 1].account;
  }
  void AddReportFacts(const std::string& day, const Event& event);
  void ReportFactsToJson(const GenerateOptions& options, nlohmann::ordered_json* root) const;

  const World& world_;
  std::map<std::string, std::vector<Counts>> usage_;              // Day → per requester.
  std::map<std::string_view, uint64_t> clients_;                  // Client family → requests.
  uint64_t via_vpc_endpoint_ = 0;                                 // Requests with a vpcEndpointId.
  uint64_t requester_pays_ = 0;                                   // Requests with x-amz-request-payer.
  std::map<std::tuple<size_t, int, std::string_view>, uint64_t> errors_;  // (requester, ap, code).
  std::map<int, Counts> access_points_;                           // Access point index → counts.
  std::map<std::string_view, Counts> operations_;                 // eventName → counts.
  std::map<std::pair<int, int>, Counts> objects_;                 // (ap, object) → downloads.
  std::map<std::string, Month> months_;   // "YYYY-MM" → month.
  std::map<std::string, uint64_t> days_;  // "YYYY-MM-DD" → qualifying events.
  uint64_t qualifying_ = 0;
  uint64_t all_access_points_ = 0;
  uint64_t noise_ = 0;
};

}  // namespace adxm

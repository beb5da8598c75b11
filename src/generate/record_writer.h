// RecordWriter: renders model events as CloudTrail JSON records with the full set of fields a
// real trail writes (identity, request parameters, additionalEventData, resources, tlsDetails,
// sharedEventID, vpcEndpointId, ...), about 1.3-1.6 KB per S3 data event.
//
// Rendering is a pure function of (World, Event): the record's random text (eventID, requestID,
// x-amz-id-2, ...) comes from Event::id_seed, so a record rendered twice is byte-identical.
// Thread-safety: const; safe to share between threads.
// Example:
//   RecordWriter writer(world);
//   std::string json;
//   writer.Append(event, &json);
#pragma once

#include <string>
#include <string_view>

#include "generate/event.h"
#include "generate/world.h"

namespace adxm {

/// Return the user agent of a subscriber's or anonymous request (stable per subscriber, picked by
/// the event's variant), or "" for the provider's own events.
std::string_view RequesterUserAgent(const World& world, const Event& event);

/// Renders events of one world as JSON records.
class RecordWriter {
 public:
  /// Render events of `world`, which must outlive the writer.
  explicit RecordWriter(const World& world) : world_(world) {}

  /// Append `event` as one JSON object (no separator) to `out`.
  void Append(const Event& event, std::string* out) const;

 private:
  const World& world_;
};

}  // namespace adxm

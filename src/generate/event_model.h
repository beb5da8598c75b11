// EventModel: decides, day by day, every event of the generated period — subscriber traffic with
// a diurnal rhythm, heavy and light users, churn, late starters, bulk-download spikes, bursts of
// failures, anonymous and denied requests — plus the noise a real trail holds (the provider's own
// reads and writes, management and network activity events).
//
// Thread-safety: GenerateDay is const and may run on several threads at once.
// Example:
//   EventModel model(world, options.seed, options.events_per_day);
//   std::vector<Event> events;
//   model.GenerateDay(/*day_index=*/0, first_day_start, &events);
#pragma once

#include <cstdint>
#include <vector>

#include "generate/event.h"
#include "generate/random.h"
#include "generate/world.h"

namespace adxm {

/// Generates the events of one day at a time; each day has its own random stream.
class EventModel {
 public:
  /// Model `world` with about `events_per_day` qualifying events a day, from `seed`.
  EventModel(const World& world, uint64_t seed, int events_per_day);

  /// Replace `events` with day `day_index`'s events, which start at `day_start` (Unix seconds).
  void GenerateDay(int day_index, int64_t day_start, std::vector<Event>* events) const;

 private:
  Event SubscriberRead(Rng& rng, int64_t time, const std::vector<uint64_t>& weights) const;
  void AddSpike(Rng& rng, int day_index, int64_t day_start, std::vector<Event>* events) const;
  void AddErrorBurst(Rng& rng, int day_index, int64_t day_start, std::vector<Event>* events) const;
  Event BulkRequest(Rng& rng, int32_t subscriber_idx, int64_t step, int64_t time) const;
  Event Noise(Rng& rng, int64_t time) const;
  void PickRead(Rng& rng, Event* event) const;
  std::vector<uint64_t> DayWeights(int day_index) const;  // Running totals.

  const World& world_;
  uint64_t seed_;
  int events_per_day_;
  std::vector<int> adx_access_points_;
  int internal_access_point_ = 0;
};

}  // namespace adxm

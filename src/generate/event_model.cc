#include "generate/event_model.h"

#include <algorithm>

#include "generate/time_text.h"

namespace adxm {
namespace {

// Subscribers are mostly in North America and Europe: quiet UTC nights, busy afternoons.
constexpr int kHourWeights[24] = {30, 25, 20,  15,  12, 12, 15, 25, 40, 55, 65, 75,
                                  85, 95, 100, 100, 95, 90, 80, 70, 60, 50, 42, 35};
constexpr int kReadWeights[] = {58, 15, 22, 5};  // Get, Head, List, GetObjectAttributes.
constexpr Operation kReads[] = {Operation::kGetObject, Operation::kHeadObject,
                                Operation::kListObjects, Operation::kGetObjectAttributes};
constexpr int kListWeights[] = {2, 2, 6};  // V1 without prefix, V1 with prefix, V2.
constexpr ListStyle kListStyles[] = {ListStyle::kV1NoPrefix, ListStyle::kV1Prefix, ListStyle::kV2};
constexpr int kNoiseWeights[] = {22, 18, 15, 15, 12, 18};
constexpr EventKind kNoiseKinds[] = {
    EventKind::kInternalRead, EventKind::kDirectRead,        EventKind::kPut,
    EventKind::kS3Management, EventKind::kServiceManagement, EventKind::kNetworkActivity};
constexpr double kAnonymousShare = 0.03;
constexpr double kDeniedShare = 0.025;

Event NewEvent(Rng& rng, int64_t time, EventKind kind) {
  Event event;
  event.time = time;
  event.id_seed = rng.Next();
  event.kind = kind;
  event.variant = static_cast<uint8_t>(rng.Uniform(256));
  constexpr int kVersionWeights[] = {25, 50, 25};
  event.event_version = static_cast<uint8_t>(8 + rng.Pick(kVersionWeights));
  return event;
}

int64_t DiurnalTime(Rng& rng, int64_t day_start) {
  return day_start + static_cast<int64_t>(rng.Pick(kHourWeights)) * 3600 +
         static_cast<int64_t>(rng.Uniform(3600));
}

}  // namespace

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kGetObject:
      return "GetObject";
    case Operation::kHeadObject:
      return "HeadObject";
    case Operation::kListObjects:
      return "ListObjects";
    case Operation::kGetObjectAttributes:
      return "GetObjectAttributes";
    case Operation::kPutObject:
      return "PutObject";
    case Operation::kGetBucketAcl:
      return "GetBucketAcl";
    case Operation::kGetBucketLocation:
      return "GetBucketLocation";
    case Operation::kListBuckets:
      return "ListBuckets";
    case Operation::kAssumeRole:
      return "AssumeRole";
    case Operation::kDecrypt:
      return "Decrypt";
  }
  return "Unknown";
}

EventModel::EventModel(const World& world, uint64_t seed, int events_per_day)
    : world_(world), seed_(seed), events_per_day_(events_per_day) {
  for (size_t idx = 0; idx < world.access_points.size(); ++idx) {
    if (world.access_points[idx].adx) {
      adx_access_points_.push_back(static_cast<int>(idx));
    } else {
      internal_access_point_ = static_cast<int>(idx);
    }
  }
}

void EventModel::GenerateDay(int day_index, int64_t day_start, std::vector<Event>* events) const {
  Rng rng(DeriveSeed(seed_, "day", static_cast<uint64_t>(day_index)));
  events->clear();
  std::vector<uint64_t> weights = DayWeights(day_index);
  int jitter = events_per_day_ / 50;
  int64_t count = events_per_day_ + rng.Between(-jitter, jitter);
  for (int64_t idx = 0; idx < count; ++idx) {
    events->push_back(SubscriberRead(rng, DiurnalTime(rng, day_start), weights));
  }
  AddSpike(rng, day_index, day_start, events);
  AddErrorBurst(rng, day_index, day_start, events);
  // Noise: 20-30% extra records that an ingester must drop.
  int64_t noise = static_cast<int64_t>(events->size()) * rng.Between(20, 30) / 100;
  for (int64_t idx = 0; idx < noise; ++idx) {
    events->push_back(Noise(rng, day_start + static_cast<int64_t>(rng.Uniform(kSecondsPerDay))));
  }
}

std::vector<uint64_t> EventModel::DayWeights(int day_index) const {
  std::vector<uint64_t> cumulative;
  uint64_t total = 0;
  for (const Subscriber& subscriber : world_.subscribers) {
    bool churned = subscriber.churn_day >= 0 && day_index >= subscriber.churn_day;
    bool started = day_index >= subscriber.start_day;
    total += churned || !started ? 0 : static_cast<uint64_t>(subscriber.weight);
    cumulative.push_back(total);
  }
  return cumulative;
}

Event EventModel::SubscriberRead(Rng& rng, int64_t time,
                                 const std::vector<uint64_t>& weights) const {
  Event event = NewEvent(rng, time, EventKind::kSubscriberRead);
  if (rng.Chance(kAnonymousShare)) {
    event.anonymous = true;
    event.access_point =
        static_cast<int16_t>(adx_access_points_[rng.Uniform(adx_access_points_.size())]);
    event.denied = rng.Chance(0.5);
  } else {
    event.subscriber = static_cast<int32_t>(rng.PickCumulative(weights));
    const Subscriber& subscriber = world_.subscribers[event.subscriber];
    event.access_point = static_cast<int16_t>(
        subscriber.access_points[rng.Uniform(subscriber.access_points.size())]);
    event.denied = rng.Chance(kDeniedShare);
    event.requester_pays = subscriber.requester_pays;
  }
  PickRead(rng, &event);
  return event;
}

void EventModel::PickRead(Rng& rng, Event* event) const {
  const AccessPoint& ap = world_.access_points[event->access_point];
  event->region = static_cast<uint8_t>(ap.region);
  event->operation = kReads[rng.Pick(kReadWeights)];
  event->item = static_cast<int32_t>(rng.Uniform(ap.objects.size()));
  switch (event->operation) {
    case Operation::kGetObject:
      event->bytes_out = static_cast<int64_t>(ap.objects[event->item].size);
      break;
    case Operation::kListObjects:
      event->list_style = kListStyles[rng.Pick(kListWeights)];
      event->item = static_cast<int32_t>(rng.Uniform(ap.prefixes.size()));
      event->bytes_out = 600 + static_cast<int64_t>(rng.Uniform(30000));
      break;
    case Operation::kGetObjectAttributes:
      event->bytes_out = 250 + static_cast<int64_t>(rng.Uniform(300));
      break;
    default:
      event->bytes_out = 0;  // HeadObject sends headers only.
      break;
  }
  if (event->denied) event->bytes_out = -1;
  // Some producers log the byte count as a string; ingesters must accept both.
  event->bytes_as_string =
      event->operation == Operation::kGetObject && !event->denied && rng.Chance(0.01);
}

void EventModel::AddSpike(Rng& rng, int day_index, int64_t day_start,
                          std::vector<Event>* events) const {
  for (size_t sub_idx = 0; sub_idx < world_.subscribers.size(); ++sub_idx) {
    if (world_.subscribers[sub_idx].spike_day != day_index) continue;
    // A bulk download: list every prefix, then fetch every object, in order, for hours.
    int64_t time = day_start + rng.Between(2, 12) * 3600;
    int64_t total = std::max(1, events_per_day_ * 3 / 4);
    for (int64_t step = 0; step < total && time < day_start + kSecondsPerDay; ++step) {
      events->push_back(BulkRequest(rng, static_cast<int32_t>(sub_idx), step, time));
      time += rng.Between(0, 3);
    }
  }
}

void EventModel::AddErrorBurst(Rng& rng, int day_index, int64_t day_start, std::vector<Event>* events) const {
  for (size_t sub_idx = 0; sub_idx < world_.subscribers.size(); ++sub_idx) {
    const Subscriber& subscriber = world_.subscribers[sub_idx];
    if (subscriber.error_burst_day != day_index) continue;
    // A client working from a stale object list: an hour of GetObjects that fail with NoSuchKey.
    int64_t start = day_start + rng.Between(1, 20) * 3600;
    for (int64_t idx = 0, count = std::max(1, events_per_day_ / 4); idx < count; ++idx) {
      Event event = NewEvent(rng, start + static_cast<int64_t>(rng.Uniform(3600)), EventKind::kSubscriberRead);
      event.subscriber = static_cast<int32_t>(sub_idx);
      event.access_point = static_cast<int16_t>(subscriber.access_points.front());
      event.region = static_cast<uint8_t>(world_.access_points[event.access_point].region);
      event.requester_pays = subscriber.requester_pays;
      event.operation = Operation::kGetObject;
      event.item = static_cast<int32_t>(rng.Uniform(world_.access_points[event.access_point].objects.size()));
      event.no_such_key = true;
      events->push_back(event);  // bytes_out stays -1: nothing was sent.
    }
  }
}

Event EventModel::BulkRequest(Rng& rng, int32_t subscriber_idx, int64_t step, int64_t time) const {
  const Subscriber& subscriber = world_.subscribers[subscriber_idx];
  const AccessPoint& ap = world_.access_points[subscriber.access_points.front()];
  Event event = NewEvent(rng, time, EventKind::kSubscriberRead);
  event.subscriber = subscriber_idx;
  event.access_point = static_cast<int16_t>(subscriber.access_points.front());
  event.region = static_cast<uint8_t>(ap.region);
  event.requester_pays = subscriber.requester_pays;
  auto prefixes = static_cast<int64_t>(ap.prefixes.size());
  if (step < prefixes) {
    event.operation = Operation::kListObjects;
    event.list_style = ListStyle::kV2;
    event.item = static_cast<int32_t>(step);
    event.bytes_out = 2000 + static_cast<int64_t>(rng.Uniform(60000));
  } else {
    event.item = static_cast<int32_t>((step - prefixes) % static_cast<int64_t>(ap.objects.size()));
    event.bytes_out = static_cast<int64_t>(ap.objects[event.item].size);
  }
  return event;
}

Event EventModel::Noise(Rng& rng, int64_t time) const {
  Event event = NewEvent(rng, time, kNoiseKinds[rng.Pick(kNoiseWeights)]);
  event.access_point = static_cast<int16_t>(internal_access_point_);
  switch (event.kind) {
    case EventKind::kInternalRead:
      PickRead(rng, &event);
      return event;
    case EventKind::kNetworkActivity: {
      event.subscriber = static_cast<int32_t>(rng.Uniform(world_.subscribers.size()));
      const Subscriber& subscriber = world_.subscribers[event.subscriber];
      event.access_point = static_cast<int16_t>(subscriber.access_points.front());
      event.denied = true;  // Denied by the VPC endpoint policy.
      PickRead(rng, &event);
      return event;
    }
    case EventKind::kDirectRead:
    case EventKind::kPut:
      event.access_point =
          static_cast<int16_t>(adx_access_points_[rng.Uniform(adx_access_points_.size())]);
      event.operation =
          event.kind == EventKind::kPut ? Operation::kPutObject : Operation::kGetObject;
      break;
    case EventKind::kS3Management: {
      constexpr Operation kOps[] = {Operation::kGetBucketAcl, Operation::kGetBucketLocation,
                                    Operation::kListBuckets};
      event.access_point = static_cast<int16_t>(rng.Uniform(world_.access_points.size()));
      event.operation = kOps[rng.Uniform(std::size(kOps))];
      break;
    }
    default:  // kServiceManagement.
      event.access_point = static_cast<int16_t>(rng.Uniform(world_.access_points.size()));
      event.operation = rng.Chance(0.5) ? Operation::kAssumeRole : Operation::kDecrypt;
      break;
  }
  const AccessPoint& ap = world_.access_points[event.access_point];
  event.region = static_cast<uint8_t>(ap.region);
  event.item = static_cast<int32_t>(rng.Uniform(ap.objects.size()));
  if (event.operation == Operation::kGetObject) {
    event.bytes_out = static_cast<int64_t>(ap.objects[event.item].size);
  } else {  // Writes and management calls send back little or nothing.
    event.bytes_out = event.kind == EventKind::kS3Management ? 200 + rng.Between(0, 800) : 0;
  }
  return event;
}

}  // namespace adxm

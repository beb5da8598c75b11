#include "generate/ground_truth.h"

#include <nlohmann/json.hpp>

#include "generate/record_writer.h"
#include "generate/time_text.h"

namespace adxm {

void GroundTruth::AddDay(int64_t day_start, std::span<const Event> events) {
  // Invariant: EventModel places every event of a day within that UTC day.
  std::string day = FormatIsoDate(day_start);
  uint64_t& day_count = days_[day];
  Month& month = months_[FormatIsoDate(day_start).substr(0, 7)];
  for (const Event& event : events) {
    if (IsQualifyingAnyAccessPoint(event)) ++all_access_points_;
    if (!IsQualifying(event)) {
      ++noise_;
      continue;
    }
    ++qualifying_;
    ++day_count;
    ++month.events;
    std::string account =
        event.anonymous ? "anonymous" : world_.subscribers[event.subscriber].account;
    if (!event.anonymous) {
      month.subscribers.insert(account);
      ++month.event_counts[std::string(OperationName(event.operation))];
    }
    uint64_t& bytes = month.bytes[account];
    if (event.bytes_out >= 0) bytes += static_cast<uint64_t>(event.bytes_out);
    AddReportFacts(day, event);
  }
}

void GroundTruth::Counts::Add(const Event& event) {
  ++requests;
  if (IsFailed(event)) {
    ++failed;
    return;
  }
  if (event.operation == Operation::kGetObject) ++downloads;
  if (event.bytes_out >= 0) bytes_out += static_cast<uint64_t>(event.bytes_out);
}

void GroundTruth::AddReportFacts(const std::string& day, const Event& event) {
  std::vector<Counts>& requesters = usage_[day];
  requesters.resize(world_.subscribers.size() + 1);
  requesters[RequesterIndex(event)].Add(event);
  ++clients_[ClientFamily(RequesterUserAgent(world_, event))];
  if (!event.anonymous && !world_.subscribers[event.subscriber].vpc_endpoint.empty()) ++via_vpc_endpoint_;
  if (event.requester_pays) ++requester_pays_;
  if (IsFailed(event)) ++errors_[{RequesterIndex(event), event.access_point, ErrorCodeOf(event)}];
  access_points_[event.access_point].Add(event);
  operations_[OperationName(event.operation)].Add(event);
  if (event.operation == Operation::kGetObject && !IsFailed(event)) objects_[{event.access_point, event.item}].Add(event);
}

std::string GroundTruth::ToJson(const GenerateOptions& options, const DeliveryStats& stats) const {
  using Json = nlohmann::ordered_json;
  Json root;
  root["options"] = {{"seed", options.seed},
                     {"start", options.start},
                     {"days", options.days},
                     {"events_per_day", options.events_per_day},
                     {"subscribers", options.subscribers}};
  // Layout knobs appear only when set, so a default bucket's ground truth reads as it always has.
  const GenerateOptions defaults;
  if (options.regions != defaults.regions) root["options"]["regions"] = options.regions;
  if (options.window_seconds != defaults.window_seconds) root["options"]["window_seconds"] = options.window_seconds;
  if (options.objects_per_data_set != defaults.objects_per_data_set) {
    root["options"]["objects_per_data_set"] = options.objects_per_data_set;
  }
  if (options.ips_per_subscriber != defaults.ips_per_subscriber) {
    root["options"]["ips_per_subscriber"] = options.ips_per_subscriber;
  }
  root["provider_account"] = world_.provider_account;
  Json months = Json::array();
  for (const auto& [year_month, month] : months_) {
    Json entry;
    entry["year"] = year_month.substr(0, 4);
    entry["month"] = year_month.substr(5, 2);
    entry["distinct_subscribers"] = month.subscribers;
    entry["event_counts"] = month.event_counts;
    entry["bytes_per_subscriber"] = month.bytes;
    entry["qualifying_events"] = month.events;
    months.push_back(std::move(entry));
  }
  root["months"] = std::move(months);
  root["days"] = days_;
  root["qualifying_events"] = qualifying_;
  root["qualifying_events_all_access_points"] = all_access_points_;
  root["noise_events"] = noise_;
  root["files"] = stats.files;
  root["late_files"] = stats.late_files;
  root["duplicate_deliveries"] = stats.duplicate_deliveries;
  root["digest_files"] = stats.digest_files;
  ReportFactsToJson(options, &root);
  return root.dump(2) + "\n";
}

namespace {

nlohmann::ordered_json CountsJson(uint64_t requests, uint64_t failed, uint64_t downloads, uint64_t bytes_out) {
  return {{"requests", requests}, {"failed", failed}, {"downloads", downloads}, {"bytes_out", bytes_out}};
}

}  // namespace

void GroundTruth::ReportFactsToJson(const GenerateOptions& options, nlohmann::ordered_json* root) const {
  using Json = nlohmann::ordered_json;
  int64_t first_day = 0;
  ParseIsoDate(options.start, &first_day);
  auto day_name = [&](int index) -> Json {
    if (index < 0) return nullptr;
    return FormatIsoDate((first_day + index) * kSecondsPerDay);
  };
  Json cast = Json::array();
  for (const Subscriber& subscriber : world_.subscribers) {
    cast.push_back({{"account", subscriber.account},
                    {"start_day", day_name(subscriber.start_day)},
                    {"quiet_from", day_name(subscriber.churn_day)},
                    {"spike_day", day_name(subscriber.spike_day)},
                    {"error_burst_day", day_name(subscriber.error_burst_day)},
                    {"vpc_endpoint", !subscriber.vpc_endpoint.empty()},
                    {"requester_pays", subscriber.requester_pays}});
  }
  (*root)["scenario"] = std::move(cast);
  Json usage = Json::object();  // account → day → counts
  for (const auto& [day, requesters] : usage_) {
    for (size_t requester = 0; requester < requesters.size(); ++requester) {
      const Counts& counts = requesters[requester];
      if (counts.requests == 0) continue;
      usage[RequesterName(requester)][day] = CountsJson(counts.requests, counts.failed, counts.downloads, counts.bytes_out);
    }
  }
  (*root)["usage"] = std::move(usage);
  Json errors = Json::array();
  for (const auto& [key, count] : errors_) {
    const auto& [requester, ap, code] = key;
    errors.push_back({{"account", RequesterName(requester)},
                      {"access_point_arn", AccessPointArn(world_, world_.access_points[ap])},
                      {"error_code", code},
                      {"count", count}});
  }
  (*root)["errors"] = std::move(errors);
  (*root)["clients"] = clients_;
  (*root)["via_vpc_endpoint"] = via_vpc_endpoint_;
  (*root)["requester_pays_requests"] = requester_pays_;
  Json access_points = Json::array();
  for (const auto& [ap, counts] : access_points_) {
    Json entry = CountsJson(counts.requests, counts.failed, counts.downloads, counts.bytes_out);
    entry["access_point_arn"] = AccessPointArn(world_, world_.access_points[ap]);
    entry["dataset"] = world_.access_points[ap].dataset;
    access_points.push_back(std::move(entry));
  }
  (*root)["access_points"] = std::move(access_points);
  Json operations = Json::object();
  for (const auto& [name, counts] : operations_) {
    operations[std::string(name)] = CountsJson(counts.requests, counts.failed, counts.downloads, counts.bytes_out);
  }
  (*root)["operations"] = std::move(operations);
  Json objects = Json::object();  // key → [downloads, bytes_out]
  for (const auto& [object, counts] : objects_) {
    objects[world_.access_points[object.first].objects[object.second].key] = {counts.downloads, counts.bytes_out};
  }
  (*root)["downloads_per_object"] = std::move(objects);
}

}  // namespace adxm

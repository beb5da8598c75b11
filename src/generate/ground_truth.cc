#include "generate/ground_truth.h"

#include <nlohmann/json.hpp>

#include "generate/time_text.h"

namespace adxm {

void GroundTruth::AddDay(int64_t day_start, std::span<const Event> events) {
  // Invariant: EventModel places every event of a day within that UTC day.
  uint64_t& day_count = days_[FormatIsoDate(day_start)];
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
  }
}

std::string GroundTruth::ToJson(const GenerateOptions& options, const DeliveryStats& stats) const {
  using Json = nlohmann::ordered_json;
  Json root;
  root["options"] = {{"seed", options.seed},
                     {"start", options.start},
                     {"days", options.days},
                     {"events_per_day", options.events_per_day},
                     {"subscribers", options.subscribers}};
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
  return root.dump(2) + "\n";
}

}  // namespace adxm

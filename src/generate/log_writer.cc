#include "generate/log_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "base/sha256.h"
#include "generate/time_text.h"

namespace adxm {
namespace {

constexpr double kDuplicateShare = 0.002;  // Records delivered a second time.
constexpr double kLateShare = 0.002;       // Files delivered a day or more late.
constexpr uint64_t kForcedLateFile = 17;   // Day 0's file #17 is always late: every bucket has one.
constexpr int kGzipLevel = 6;

}  // namespace

void DeliveryStats::Add(const DeliveryStats& other) {
  files += other.files;
  late_files += other.late_files;
  duplicate_deliveries += other.duplicate_deliveries;
  json_bytes += other.json_bytes;
  gz_bytes += other.gz_bytes;
  digest_files += other.digest_files;
}

LogWriter::LogWriter(const World& world, std::filesystem::path out, uint64_t seed, int window_seconds)
    : world_(world),
      out_(std::move(out)),
      seed_(seed),
      window_seconds_(window_seconds),
      windows_per_day_(static_cast<int>(kSecondsPerDay / window_seconds)),
      records_(world),
      gzip_(kGzipLevel),
      windows_(world.regions.size() * static_cast<size_t>(windows_per_day_)) {}

Status LogWriter::WriteDay(int day_index, int64_t day_start, std::span<const Event> events,
                           DayDelivery* result) {
  Rng rng(DeriveSeed(seed_, "delivery", static_cast<uint64_t>(day_index)));
  day_zero_ = day_index == 0;
  for (std::vector<uint32_t>& window : windows_) window.clear();
  for (uint32_t idx = 0; idx < events.size(); ++idx) {
    const Event& event = events[idx];
    int64_t window = (event.time - day_start) / window_seconds_;
    windows_[event.region * windows_per_day_ + window].push_back(idx);
  }
  PlanDuplicates(rng, day_start, events, result);
  for (size_t region = 0; region < world_.regions.size(); ++region) {
    for (int window = 0; window < windows_per_day_; ++window) {
      std::vector<uint32_t>& records = windows_[region * windows_per_day_ + window];
      if (records.empty()) continue;
      int64_t window_end = day_start + int64_t{window + 1} * window_seconds_;
      ADXM_RETURN_IF_ERROR(
          DeliverFile(rng, static_cast<int>(region), window_end, events, &records, result));
    }
  }
  return Status::OK();
}

void LogWriter::PlanDuplicates(Rng& rng, int64_t day_start, std::span<const Event> events,
                               DayDelivery* result) {
  // A duplicate goes to the next non-empty window of the same region (else the previous one):
  // the same record, byte for byte, in a second file.
  for (uint32_t idx = 0; idx < events.size(); ++idx) {
    // Each day's first event is always delivered twice, so that every bucket has duplicates.
    if (!rng.Chance(kDuplicateShare) && idx != 0) continue;
    const Event& event = events[idx];
    int base = event.region * windows_per_day_;
    int own = static_cast<int>((event.time - day_start) / window_seconds_);
    int target = -1;
    for (int window = own + 1; window < windows_per_day_ && target < 0; ++window) {
      if (!windows_[base + window].empty()) target = window;
    }
    for (int window = own - 1; window >= 0 && target < 0; --window) {
      if (!windows_[base + window].empty()) target = window;
    }
    if (target < 0) continue;
    windows_[base + target].push_back(idx);
    ++result->stats.duplicate_deliveries;
  }
}

Status LogWriter::DeliverFile(Rng& rng, int region, int64_t window_end,
                              std::span<const Event> events, std::vector<uint32_t>* records,
                              DayDelivery* result) {
  rng.Shuffle(std::span<uint32_t>(*records));
  int64_t delivery = window_end + rng.Between(180, 720);
  bool forced_late = day_zero_ && result->stats.files == kForcedLateFile;
  if (rng.Chance(kLateShare) || forced_late) {
    int64_t days_late = forced_late ? 2 : rng.Between(1, 3);
    delivery += days_late * kSecondsPerDay + rng.Between(0, 6 * 3600);
    ++result->stats.late_files;
  }
  std::string key = FileKey(rng, region, delivery);
  json_.assign("{\"Records\":[");
  int64_t oldest = std::numeric_limits<int64_t>::max(),
          newest = std::numeric_limits<int64_t>::min();
  for (size_t idx = 0; idx < records->size(); ++idx) {
    const Event& event = events[(*records)[idx]];
    if (idx > 0) json_.push_back(',');
    records_.Append(event, &json_);
    oldest = std::min(oldest, event.time);
    newest = std::max(newest, event.time);
  }
  json_.append("]}");
  ADXM_ASSIGN_OR_RETURN(uint64_t gz_bytes, gzip_.Write(out_ / key, json_));
  ++result->stats.files;
  result->stats.json_bytes += json_.size();
  result->stats.gz_bytes += gz_bytes;
  if (DigestWriter::Covers(delivery)) {
    result->digests.push_back({region, delivery, {key, Sha256Hex(json_), oldest, newest}});
  }
  return Status::OK();
}

std::string LogWriter::FileKey(Rng& rng, int region, int64_t delivery_time) const {
  const std::string& name = world_.regions[region].name;
  CivilTime t = ToCivil(delivery_time);
  return fmt::format(
      "{}CloudTrail/{}/{:04}/{:02}/{:02}/{}_CloudTrail_{}_{:04}{:02}{:02}T{:02}{:02}Z_{}.json.gz",
      LogRoot(world_, region), name, t.year, t.month, t.day, world_.provider_account, name, t.year,
      t.month, t.day, t.hour, t.minute, rng.Chars(16, kMixedAlnum));
}

}  // namespace adxm

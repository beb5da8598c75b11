#include "warehouse/layout.h"

#include <fmt/format.h>

#include <cctype>

#include "base/civil_time.h"

namespace adxm {
namespace {

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "<prefix><digits><suffix>" -> digits, or empty.
std::string_view Between(std::string_view text, std::string_view prefix, std::string_view suffix) {
  if (text.size() < prefix.size() + suffix.size() || text.substr(0, prefix.size()) != prefix ||
      text.substr(text.size() - suffix.size()) != suffix) {
    return {};
  }
  return text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
}

}  // namespace

std::string WarehouseLayout::VisibleKey(std::string_view relative) {
  return std::string(kTablePrefix) + std::string(relative);
}

std::string WarehouseLayout::DataKey(std::string_view relative) {
  return std::string(kDataPrefix) + std::string(relative);
}

std::string WarehouseLayout::LogKey(uint64_t txn) { return fmt::format("{}{:020d}.json", kLogPrefix, txn); }

std::string WarehouseLayout::CheckpointKey(uint64_t txn) {
  return fmt::format("{}{:020d}.json", kCheckpointPrefix, txn);
}

std::string WarehouseLayout::ObjectIndexKey(std::string_view part, uint64_t txn) {
  return fmt::format("{}{}-{:020d}.idx", kObjectsPrefix, part, txn);
}

uint64_t WarehouseLayout::TxnOfKey(std::string_view key) {
  size_t slash = key.rfind('/');
  std::string_view digits = Between(key.substr(slash == std::string_view::npos ? 0 : slash + 1), "", ".json");
  if (digits.size() != 20 || !AllDigits(digits)) return 0;
  return std::stoull(std::string(digits));
}

std::string WarehouseLayout::DataFileName(std::string_view partition_dir, uint64_t txn) {
  return fmt::format("{}/part-{:010d}.parquet", partition_dir, txn);
}

bool WarehouseLayout::IsDataFileName(std::string_view relative) {
  // year=YYYY/month=MM/day=DD/part-NNNNNNNNNN.parquet
  if (relative.size() != 49) return false;
  return AllDigits(Between(relative.substr(0, 10), "year=", "/")) &&
         AllDigits(Between(relative.substr(10, 9), "month=", "/")) &&
         AllDigits(Between(relative.substr(19, 7), "day=", "/")) &&
         AllDigits(Between(relative.substr(26), "part-", ".parquet"));
}

uint64_t WarehouseLayout::TxnOfDataFile(std::string_view relative) {
  return std::stoull(std::string(Between(relative.substr(26), "part-", ".parquet")));
}

bool WarehouseLayout::IsHidden(std::string_view relative) {
  for (size_t start = 0; start <= relative.size();) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    if (end > start && (relative[start] == '_' || relative[start] == '.')) return true;
    start = end + 1;
  }
  return false;
}

std::string PartitionDir(int64_t day) {
  CivilDate date = CivilFromDays(day);
  return fmt::format("year={:04d}/month={:02d}/day={:02d}", date.year, date.month, date.day);
}

}  // namespace adxm

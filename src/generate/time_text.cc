#include "generate/time_text.h"

#include <fmt/format.h>

#include "base/civil_time.h"

namespace adxm {

CivilTime ToCivil(int64_t unix_seconds) {
  int64_t days = unix_seconds / kSecondsPerDay;
  int64_t seconds = unix_seconds % kSecondsPerDay;
  if (seconds < 0) {
    seconds += kSecondsPerDay;
    --days;
  }
  CivilDate date = CivilFromDays(days);
  CivilTime out;
  out.year = static_cast<int>(date.year);
  out.month = static_cast<int>(date.month);
  out.day = static_cast<int>(date.day);
  out.hour = static_cast<int>(seconds / 3600);
  out.minute = static_cast<int>(seconds / 60 % 60);
  out.second = static_cast<int>(seconds % 60);
  return out;
}

namespace {

bool ParseDigits(std::string_view text, unsigned* value) {
  *value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    *value = *value * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

}  // namespace

bool ParseIsoDate(std::string_view text, int64_t* days) {
  unsigned year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!ParseDigits(text.substr(0, 4), &year) || !ParseDigits(text.substr(5, 2), &month) ||
      !ParseDigits(text.substr(8, 2), &day)) {
    return false;
  }
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  int64_t result = DaysFromCivil(year, month, day);
  CivilDate check = CivilFromDays(result);  // Rejects e.g. 2023-02-30.
  if (check.month != month || check.day != day) return false;
  *days = result;
  return true;
}

std::string FormatIsoDate(int64_t unix_seconds) {
  CivilTime t = ToCivil(unix_seconds);
  return fmt::format("{:04}-{:02}-{:02}", t.year, t.month, t.day);
}

std::string FormatIsoTime(int64_t unix_seconds) {
  CivilTime t = ToCivil(unix_seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year, t.month, t.day, t.hour,
                     t.minute, t.second);
}

}  // namespace adxm

// UTC times as CloudTrail writes them, for the generator: broken-down times, strict
// "YYYY-MM-DD" parsing and "YYYY-MM-DDTHH:MM:SSZ" formatting (no time zones, no locale).
// Day arithmetic comes from base/civil_time.h.
//
// Thread-safety: pure functions.
// Example:
//   int64_t day;
//   if (!ParseIsoDate("2023-05-01", &day)) return Status::InvalidArgument(...);
//   CivilTime time = ToCivil(day * kSecondsPerDay + 3600);  // 2023-05-01 01:00:00
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adxm {

inline constexpr int64_t kSecondsPerDay = 86400;

/// A broken-down UTC time.
struct CivilTime {
  int year = 1970;  // e.g. 2023.
  int month = 1;    // 1..12.
  int day = 1;      // 1..31.
  int hour = 0;     // 0..23.
  int minute = 0;   // 0..59.
  int second = 0;   // 0..59.
};

/// Return the broken-down UTC time of `unix_seconds`.
CivilTime ToCivil(int64_t unix_seconds);

/// Parse strict "YYYY-MM-DD" (a real calendar date, years 1970..9999) into days since the epoch.
bool ParseIsoDate(std::string_view text, int64_t* days);

/// Format "YYYY-MM-DD" of the day holding `unix_seconds`.
std::string FormatIsoDate(int64_t unix_seconds);

/// Format "YYYY-MM-DDTHH:MM:SSZ", CloudTrail's eventTime format.
std::string FormatIsoTime(int64_t unix_seconds);

}  // namespace adxm

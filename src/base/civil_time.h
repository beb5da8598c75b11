// Conversions between days since the Unix epoch and civil (proleptic Gregorian) dates, UTC.
// Thread-safety: pure functions.
// Example: CivilDate date = CivilFromDays(19478);  // {2023, 5, 1}
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace adxm {

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

inline constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

/// Return the days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
constexpr int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

/// Return the civil date of `days` since 1970-01-01.
constexpr CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

/// Return the day (since the epoch) holding `micros` since the epoch; floors negative times.
constexpr int64_t DayOfMicros(int64_t micros) {
  return micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
}

static_assert(DaysFromCivil(2023, 5, 1) == 19478);
static_assert(CivilFromDays(19478).year == 2023 && CivilFromDays(19478).month == 5 &&
              CivilFromDays(19478).day == 1);

/// Format Unix seconds as ISO 8601 UTC, "2024-05-01T13:45:00Z".
inline std::string FormatIsoUtc(int64_t unix_seconds) {
  const int64_t days = (unix_seconds >= 0 ? unix_seconds : unix_seconds - 86399) / 86400;
  const int64_t second_of_day = unix_seconds - days * 86400;
  const CivilDate date = CivilFromDays(days);
  char text[40];
  std::snprintf(text, sizeof(text), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(date.year), date.month,
                date.day, static_cast<long long>(second_of_day / 3600), static_cast<long long>(second_of_day / 60 % 60),
                static_cast<long long>(second_of_day % 60));
  return text;
}

}  // namespace adxm

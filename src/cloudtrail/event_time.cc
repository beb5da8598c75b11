#include "cloudtrail/event_time.h"

namespace adxm {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;

// Parse `count` ASCII digits at text[pos...] into *value; false if any is not a digit.
bool ParseDigits(std::string_view text, size_t pos, size_t count, int* value) {
  int result = 0;
  for (size_t index = pos; index < pos + count; ++index) {
    unsigned digit = static_cast<unsigned char>(text[index]) - '0';
    if (digit > 9) return false;
    result = result * 10 + static_cast<int>(digit);
  }
  *value = result;
  return true;
}

bool IsLeapYear(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Parse ".d{1,9}" at text[pos...] up to the last character; return the microseconds it denotes.
std::optional<int64_t> ParseFraction(std::string_view text, size_t pos) {
  size_t digits = text.size() - 1 - pos - 1;  // Between '.' and the final 'Z'.
  if (text[pos] != '.' || digits < 1 || digits > 9) return std::nullopt;
  int value = 0;
  if (!ParseDigits(text, pos + 1, digits, &value)) return std::nullopt;
  for (size_t scale = digits; scale < 6; ++scale) value *= 10;
  for (size_t scale = digits; scale > 6; --scale) value /= 10;
  return value;
}

}  // namespace

int64_t DaysFromCivil(int64_t year, int month, int day) {
  // Howard Hinnant's algorithm: count from 0000-03-01 so that leap days end each cycle.
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

std::optional<int64_t> ParseEventTime(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SS" is 19 characters, then an optional fraction, then 'Z'.
  if (text.size() < 20 || text.back() != 'Z') return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  int year, month, day, hour, minute, second;
  if (!ParseDigits(text, 0, 4, &year) || !ParseDigits(text, 5, 2, &month) ||
      !ParseDigits(text, 8, 2, &day) || !ParseDigits(text, 11, 2, &hour) ||
      !ParseDigits(text, 14, 2, &minute) || !ParseDigits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t micros = 0;
  if (text.size() > 20) {
    std::optional<int64_t> fraction = ParseFraction(text, 19);
    if (!fraction) return std::nullopt;
    micros = *fraction;
  }
  int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * kMicrosPerSecond + micros;
}

}  // namespace adxm

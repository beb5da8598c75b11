#include "cloudtrail/event_time.h"

#include "base/civil_time.h"

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

// Parse "YYYY-MM-DDTHH:MM:SS" at the start of `text` (at least 19 characters) to seconds since
// the Unix epoch.
std::optional<int64_t> ParseSeconds(std::string_view text) {
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
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace

std::optional<int64_t> ParseEventTime(std::string_view text) {
  // 19 characters of date and time, then an optional fraction, then 'Z'.
  if (text.size() < 20 || text.back() != 'Z') return std::nullopt;
  std::optional<int64_t> seconds = ParseSeconds(text);
  if (!seconds) return std::nullopt;
  int64_t micros = 0;
  if (text.size() > 20) {
    std::optional<int64_t> fraction = ParseFraction(text, 19);
    if (!fraction) return std::nullopt;
    micros = *fraction;
  }
  return *seconds * kMicrosPerSecond + micros;
}

}  // namespace adxm

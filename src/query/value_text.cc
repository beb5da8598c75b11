#include "query/value_text.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace adxm {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

std::string TwoDigits(int64_t value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// Return `fraction` (of `digits` digits) as ".ddd" without trailing zeros; empty for 0.
std::string Fraction(int64_t fraction, int digits) {
  if (fraction == 0) return "";
  std::string text = std::to_string(fraction);
  text.insert(0, static_cast<size_t>(digits) - text.size(), '0');
  return "." + text.substr(0, text.find_last_not_of('0') + 1);
}

// Python repr layout (as DuckDB prints floating point): fixed for exponents in [-4, 16), else d.ddde+XX.
std::string LayoutFloating(bool negative, std::string digits, int exponent) {
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    std::string exp_digits = std::to_string(std::abs(exponent));
    return out + (exponent < 0 ? "e-" : "e+") + (exp_digits.size() < 2 ? "0" : "") + exp_digits;
  }
  if (exponent < 0) return out + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  size_t integer_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= integer_digits) return out + digits + std::string(integer_digits - digits.size(), '0') + ".0";
  return out + digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
}

template <typename T>
std::string FormatFloating(T value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<size_t>(end - buffer));  // e.g. "-1.2345e+08"
  bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  size_t e_pos = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  return LayoutFloating(negative, digits, std::atoi(std::string(text.substr(e_pos + 1)).c_str()));
}

std::string DatePart(const duckdb_date_struct& date, bool* before_christ) {
  *before_christ = date.year <= 0;
  std::string year = std::to_string(*before_christ ? 1 - date.year : date.year);
  if (year.size() < 4) year.insert(0, 4 - year.size(), '0');
  return year + "-" + TwoDigits(date.month) + "-" + TwoDigits(date.day);
}

std::string TimePart(int64_t hour, int64_t minute, int64_t second) {
  return TwoDigits(hour) + ":" + TwoDigits(minute) + ":" + TwoDigits(second);
}

// Timestamp text for `micros` since the epoch plus `fraction` (of `digits` digits) within its second.
std::string TimestampText(int64_t micros, int64_t fraction, int digits) {
  duckdb_timestamp_struct parts = duckdb_from_timestamp(duckdb_timestamp{micros});
  bool before_christ = false;
  std::string out = DatePart(parts.date, &before_christ);
  if (before_christ) out += " (BC)";
  return out + " " + TimePart(parts.time.hour, parts.time.min, parts.time.sec) + Fraction(fraction, digits);
}

void AppendIntervalPart(int64_t value, std::string_view unit, std::string* out) {
  if (value == 0) return;
  if (!out->empty()) *out += ' ';
  *out += std::to_string(value) + " " + std::string(unit) + (value == 1 || value == -1 ? "" : "s");
}

std::string IntervalTime(int64_t micros) {
  std::string out = micros < 0 ? "-" : "";
  // Work on the magnitude; INT64_MIN micros is not a valid interval.
  uint64_t magnitude = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  uint64_t hours = magnitude / kMicrosPerHour;
  out += (hours < 10 ? "0" : "") + std::to_string(hours) + ":";
  out += TwoDigits(static_cast<int64_t>(magnitude % kMicrosPerHour / kMicrosPerMinute)) + ":";
  out += TwoDigits(static_cast<int64_t>(magnitude % kMicrosPerMinute / kMicrosPerSecond));
  return out + Fraction(static_cast<int64_t>(magnitude % kMicrosPerSecond), 6);
}

char HexDigit(unsigned value) { return "0123456789ABCDEF"[value & 0xF]; }

}  // namespace

std::string FormatDouble(double value) { return FormatFloating(value); }

std::string FormatFloat(float value) { return FormatFloating(value); }

std::string FormatUInt128(unsigned __int128 value) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return out;
}

std::string FormatInt128(__int128 value) {
  unsigned __int128 magnitude = value < 0 ? 0 - static_cast<unsigned __int128>(value)
                                          : static_cast<unsigned __int128>(value);
  return (value < 0 ? "-" : "") + FormatUInt128(magnitude);
}

std::string FormatDecimal(__int128 value, uint8_t scale) {
  std::string digits = FormatInt128(value < 0 ? -value : value);
  if (scale == 0) return (value < 0 ? "-" : "") + digits;
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  digits.insert(digits.size() - scale, ".");
  return (value < 0 ? "-" : "") + digits;
}

std::string FormatDate(duckdb_date date) {
  if (date.days == INT32_MAX) return "infinity";
  if (date.days == -INT32_MAX) return "-infinity";
  bool before_christ = false;
  std::string out = DatePart(duckdb_from_date(date), &before_christ);
  return before_christ ? out + " (BC)" : out;
}

std::string FormatTimestampMicros(int64_t micros, bool with_tz) {
  if (micros == INT64_MAX) return "infinity";
  if (micros == -INT64_MAX) return "-infinity";
  int64_t fraction = micros % kMicrosPerSecond;
  if (fraction < 0) fraction += kMicrosPerSecond;
  return TimestampText(micros, fraction, 6) + (with_tz ? "+00" : "");
}

std::string FormatTimestampNanos(int64_t nanos) {
  if (nanos == INT64_MAX) return "infinity";
  if (nanos == -INT64_MAX) return "-infinity";
  int64_t fraction = nanos % 1000000000;
  if (fraction < 0) fraction += 1000000000;
  // Floor division, so times before the epoch land in the right second.
  int64_t seconds = (nanos - fraction) / 1000000000;
  return TimestampText(seconds * kMicrosPerSecond, fraction, 9);
}

std::string FormatTimeMicros(int64_t micros) {
  return TimePart(micros / kMicrosPerHour, micros % kMicrosPerHour / kMicrosPerMinute,
                  micros % kMicrosPerMinute / kMicrosPerSecond) +
         Fraction(micros % kMicrosPerSecond, 6);
}

std::string FormatTimeNanos(int64_t nanos) {
  return FormatTimeMicros(nanos / 1000 / kMicrosPerSecond * kMicrosPerSecond) +
         Fraction(nanos % 1000000000, 9);
}

std::string FormatTimeTz(duckdb_time_tz time) {
  duckdb_time_tz_struct parts = duckdb_from_time_tz(time);
  const duckdb_time_struct& t = parts.time;
  std::string out = TimePart(t.hour, t.min, t.sec) + Fraction(t.micros, 6);
  int32_t offset = std::abs(parts.offset);
  out += (parts.offset < 0 ? "-" : "+") + TwoDigits(offset / 3600);
  if (offset % 3600 != 0) out += ":" + TwoDigits(offset % 3600 / 60);
  if (offset % 60 != 0) out += ":" + TwoDigits(offset % 60);
  return out;
}

std::string FormatInterval(duckdb_interval interval) {
  std::string out;
  AppendIntervalPart(interval.months / 12, "year", &out);
  AppendIntervalPart(interval.months % 12, "month", &out);
  AppendIntervalPart(interval.days, "day", &out);
  if (interval.micros != 0) return out + (out.empty() ? "" : " ") + IntervalTime(interval.micros);
  return out.empty() ? "00:00:00" : out;
}

std::string FormatUuid(duckdb_hugeint value) {
  uint64_t halves[2] = {static_cast<uint64_t>(value.upper) ^ (uint64_t{1} << 63), value.lower};
  std::string out;
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) out += '-';
    unsigned digit = static_cast<unsigned>(halves[nibble / 16] >> (60 - 4 * (nibble % 16))) & 0xF;
    out += "0123456789abcdef"[digit];
  }
  return out;
}

std::string FormatBlob(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 32 && byte <= 126 && c != '\\' && c != '\'' && c != '"') {
      out += c;
    } else {
      out += {'\\', 'x', HexDigit(byte >> 4), HexDigit(byte)};
    }
  }
  return out;
}

std::string FormatBit(std::string_view stored) {
  if (stored.empty()) return "";
  std::string out;
  size_t padding = static_cast<unsigned char>(stored[0]);
  for (size_t bit_idx = padding; bit_idx < (stored.size() - 1) * 8; ++bit_idx) {
    auto byte = static_cast<unsigned char>(stored[1 + bit_idx / 8]);
    out += (byte >> (7 - bit_idx % 8)) & 1 ? '1' : '0';
  }
  return out;
}

std::string FormatBignum(std::string_view stored) {
  if (stored.size() <= 3) return "0";
  // The header's top bit is set for non-negative numbers; negative ones store every byte inverted.
  bool negative = (static_cast<unsigned char>(stored[0]) & 0x80) == 0;
  std::vector<unsigned> bytes;
  for (char c : stored.substr(3)) bytes.push_back(static_cast<unsigned char>(negative ? ~c : c));
  std::string digits;
  while (!bytes.empty()) {  // Long division of the big-endian magnitude by 10.
    unsigned remainder = 0;
    for (unsigned& byte : bytes) {
      unsigned current = remainder * 256 + byte;
      byte = current / 10;
      remainder = current % 10;
    }
    digits.insert(digits.begin(), static_cast<char>('0' + remainder));
    while (!bytes.empty() && bytes.front() == 0) bytes.erase(bytes.begin());
  }
  return (negative ? "-" : "") + digits;
}

}  // namespace adxm

// Text forms of DuckDB's physical values, byte for byte as DuckDB's CAST(... AS VARCHAR).
//
// Pure functions over the C API's value structs; value_renderer.cc reads the values out of
// result vectors and calls these.
//
// Thread-safety: pure functions.
// Example:
//   FormatDouble(1e20);                       // "1e+20"
//   FormatDecimal(-5, 2);                     // "-0.05"
//   FormatTimestampMicros(0, /*with_tz=*/true);  // "1970-01-01 00:00:00+00"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "db/duckdb_api.h"

namespace adxm {

/// Return `value` the way DuckDB prints a DOUBLE: shortest round trip, "1.0", "1e+20", "inf", "nan".
std::string FormatDouble(double value);

/// Return `value` the way DuckDB prints a FLOAT.
std::string FormatFloat(float value);

/// Return a signed 128-bit integer in decimal.
std::string FormatInt128(__int128 value);

/// Return an unsigned 128-bit integer in decimal.
std::string FormatUInt128(unsigned __int128 value);

/// Return the DECIMAL with unscaled `value` and `scale` digits after the point ("1.50").
std::string FormatDecimal(__int128 value, uint8_t scale);

/// Return a DATE as YYYY-MM-DD (with " (BC)" for years before 1, or +/-infinity).
std::string FormatDate(duckdb_date date);

/// Return a TIMESTAMP given in microseconds since the epoch; `with_tz` appends "+00" (UTC).
std::string FormatTimestampMicros(int64_t micros, bool with_tz);

/// Return a TIMESTAMP_NS given in nanoseconds since the epoch.
std::string FormatTimestampNanos(int64_t nanos);

/// Return a TIME given in microseconds since midnight.
std::string FormatTimeMicros(int64_t micros);

/// Return a TIME_NS given in nanoseconds since midnight.
std::string FormatTimeNanos(int64_t nanos);

/// Return a TIME WITH TIME ZONE ("12:34:56+02").
std::string FormatTimeTz(duckdb_time_tz time);

/// Return an INTERVAL ("1 year 2 months 3 days 04:05:06.789", "00:00:00").
std::string FormatInterval(duckdb_interval interval);

/// Return a UUID stored as DuckDB's hugeint (upper half with its top bit flipped).
std::string FormatUuid(duckdb_hugeint value);

/// Return a BLOB with bytes outside printable ASCII (and quotes, backslash) as \xHH.
std::string FormatBlob(std::string_view bytes);

/// Return a BIT string stored as DuckDB's bitstring (padding count byte, then bytes).
std::string FormatBit(std::string_view stored);

/// Return a BIGNUM stored as DuckDB's varint (3-byte header, big-endian magnitude).
std::string FormatBignum(std::string_view stored);

}  // namespace adxm

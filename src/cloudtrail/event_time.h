// Parsing of CloudTrail `eventTime` values without the C library's locale-bound time functions.
//
// Thread-safety: pure functions.
// Example:
//   std::optional<int64_t> micros = ParseEventTime("2023-05-01T12:00:00Z");  // 1682942400000000
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace adxm {

/// Parse "YYYY-MM-DDTHH:MM:SSZ", optionally with 1 to 9 fraction digits before the 'Z', to
/// microseconds since the Unix epoch (digits past microseconds are dropped). Return nullopt when
/// the text is not such a timestamp or names an impossible date or time.
std::optional<int64_t> ParseEventTime(std::string_view text);

}  // namespace adxm

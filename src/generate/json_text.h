// Small helpers for writing JSON text by hand into a reused std::string.
//
// Thread-safety: pure functions.
// Example:
//   out->append("{\"key\":");
//   AppendJsonString(out, "a \"quoted\" value");
//   out->push_back('}');
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adxm {

/// Append `text` (UTF-8) as a JSON string literal, escaping quotes, backslashes and controls.
inline void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (byte < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 0xf]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

/// Append `prefix` verbatim (e.g. `,"key":`), then `value` as a JSON string.
inline void AppendJsonField(std::string* out, std::string_view prefix, std::string_view value) {
  out->append(prefix);
  AppendJsonString(out, value);
}

/// Append `prefix` verbatim, then `value` as a JSON number.
inline void AppendJsonNumber(std::string* out, std::string_view prefix, int64_t value) {
  out->append(prefix);
  out->append(std::to_string(value));
}

}  // namespace adxm

// Writing JSON text directly, without building a document first: appenders for strings, integers,
// object members and arrays. What they write is byte for byte what nlohmann::json's dump() writes
// for the same values (compact; strings escaped as it escapes them with ensure_ascii off: the
// short escapes, other control bytes as \u00xx, UTF-8 as is; text that is not UTF-8 gets its
// U+FFFD replacement), so files once written through nlohmann read and compare the same.
// Members are written in the order given: a caller matching nlohmann's output writes them sorted.
// (query/value_renderer.h's AppendString escapes DEL too and the generator's json_text.h
// writes CloudTrail's own style: neither is nlohmann's text.)
//
// Thread-safety: pure functions.
// Example:
//   std::string out = "{";
//   json_text::AppendMember("key", object.key, &out);  // {"key":"a\"b"
//   json_text::AppendMember("size", 42, &out);         // ,"size":42
//   out += '}';
#pragma once

#include <charconv>
#include <concepts>
#include <string>
#include <string_view>

namespace adxm::json_text {

/// Append `text` as a JSON string.
void AppendString(std::string_view text, std::string* out);

/// Append `value` in decimal.
template <std::integral Integer>
void AppendNumber(Integer value, std::string* out) {
  char digits[24];
  out->append(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
}

/// Append `"name":` (`name` needs no escape), after a comma unless it is the first member of the
/// object `out` ends in. Precondition: `out` is not empty (the object's '{' is in it).
void AppendKey(std::string_view name, std::string* out);

/// Append the member `"name":value` of the object being written.
inline void AppendMember(std::string_view name, std::string_view text, std::string* out) {
  AppendKey(name, out);
  AppendString(text, out);
}
template <std::integral Integer>
void AppendMember(std::string_view name, Integer value, std::string* out) {
  AppendKey(name, out);
  AppendNumber(value, out);
}

/// Append `items` as a JSON array, each written by `append(item, out)`.
template <typename Range, typename Append>
void AppendArray(const Range& items, Append append, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (const auto& item : items) {
    if (!first) out->push_back(',');
    first = false;
    append(item, out);
  }
  out->push_back(']');
}

/// Append a range of strings as a JSON array of strings.
template <typename Range>
void AppendStrings(const Range& strings, std::string* out) {
  AppendArray(strings, [](std::string_view text, std::string* to) { AppendString(text, to); }, out);
}

}  // namespace adxm::json_text

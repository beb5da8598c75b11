// Text for a terminal or a log: bytes that are not valid UTF-8, and control characters, shown as
// \xHH escapes (a backslash doubled), so a file name read from disk can neither garble the
// terminal nor be confused with another.
//
// Thread-safety: a pure function.
// Example:
//   PrintableText("caf\xe9.json.gz");  // "caf\\xe9.json.gz"
#pragma once

#include <string>
#include <string_view>

namespace adxm {

/// Return `text` with invalid UTF-8 bytes, C0 controls, DEL and backslash escaped as \xHH (\\).
std::string PrintableText(std::string_view text);

}  // namespace adxm

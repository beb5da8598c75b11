#include "base/printable.h"

#include <cstdint>

namespace adxm {
namespace {

// Length of the valid UTF-8 sequence starting text[pos], or 0 (RFC 3629: no overlongs,
// surrogates or code points past U+10FFFF).
size_t Utf8Length(std::string_view text, size_t pos) {
  auto byte = [&](size_t index) { return static_cast<uint8_t>(text[index]); };
  uint8_t lead = byte(pos);
  if (lead < 0x80) return 1;
  size_t length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  if (length == 0 || pos + length > text.size()) return 0;
  for (size_t index = 1; index < length; ++index) {
    if ((byte(pos + index) & 0xC0) != 0x80) return 0;
  }
  uint8_t second = byte(pos + 1);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90) ||
      (lead == 0xF4 && second > 0x8F)) {
    return 0;
  }
  return length;
}

}  // namespace

std::string PrintableText(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t pos = 0; pos < text.size();) {
    size_t length = Utf8Length(text, pos);
    auto byte = static_cast<uint8_t>(text[pos]);
    if (length == 1 && byte == '\\') {
      out += "\\\\";
    } else if (length == 0 || (length == 1 && (byte < 0x20 || byte == 0x7F))) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      length = 1;
    } else {
      out.append(text.substr(pos, length));
    }
    pos += length;
  }
  return out;
}

}  // namespace adxm

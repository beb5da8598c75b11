#include "warehouse/json_text.h"

#include <simdjson.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace adxm::json_text {

void AppendString(std::string_view text, std::string* out) {
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    // Rare (the manifest refuses such text before writing): nlohmann's own replacement rule.
    using nlohmann::json;
    out->append(json(text).dump(-1, ' ', false, json::error_handler_t::replace));
    return;
  }
  out->push_back('"');
  size_t plain = 0;  // Start of the run of bytes that need no escape.
  for (size_t pos = 0; pos < text.size(); ++pos) {
    auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.substr(plain, pos - plain));
    plain = pos + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
        out->append(escaped);
      }
    }
  }
  out->append(text.substr(plain));
  out->push_back('"');
}

void AppendKey(std::string_view name, std::string* out) {
  if (out->back() != '{') out->push_back(',');
  out->push_back('"');
  out->append(name);
  out->append("\":");
}

}  // namespace adxm::json_text

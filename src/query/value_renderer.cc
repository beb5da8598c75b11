#include "query/value_renderer.h"

#include <cctype>
#include <string_view>

#include "query/value_text.h"

namespace adxm {
namespace {

bool IsValid(duckdb_vector vector, idx_t row) {
  uint64_t* validity = duckdb_vector_get_validity(vector);
  return validity == nullptr || duckdb_validity_row_is_valid(validity, row);
}

template <typename T>
T Get(duckdb_vector vector, idx_t row) {
  return static_cast<const T*>(duckdb_vector_get_data(vector))[row];
}

std::string_view GetString(duckdb_vector vector, idx_t row) {
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector));
  return {duckdb_string_t_data(&strings[row]), duckdb_string_t_length(strings[row])};
}

__int128 ToInt128(duckdb_hugeint value) {
  return static_cast<__int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(value.upper)) << 64) |
                               value.lower);
}

// Read an integer stored as `physical` (the storage of DECIMAL and ENUM values).
__int128 GetInteger(duckdb_vector vector, duckdb_type physical, idx_t row) {
  switch (physical) {
    case DUCKDB_TYPE_SMALLINT: return Get<int16_t>(vector, row);
    case DUCKDB_TYPE_INTEGER: return Get<int32_t>(vector, row);
    case DUCKDB_TYPE_BIGINT: return Get<int64_t>(vector, row);
    case DUCKDB_TYPE_HUGEINT: return ToInt128(Get<duckdb_hugeint>(vector, row));
    case DUCKDB_TYPE_UTINYINT: return Get<uint8_t>(vector, row);
    case DUCKDB_TYPE_USMALLINT: return Get<uint16_t>(vector, row);
    case DUCKDB_TYPE_UINTEGER: return Get<uint32_t>(vector, row);
    default: return 0;
  }
}

std::string RenderNumber(duckdb_vector vector, const ValueType& type, idx_t row) {
  switch (type.id) {
    case DUCKDB_TYPE_TINYINT: return std::to_string(Get<int8_t>(vector, row));
    case DUCKDB_TYPE_SMALLINT: return std::to_string(Get<int16_t>(vector, row));
    case DUCKDB_TYPE_INTEGER: return std::to_string(Get<int32_t>(vector, row));
    case DUCKDB_TYPE_BIGINT: return std::to_string(Get<int64_t>(vector, row));
    case DUCKDB_TYPE_UTINYINT: return std::to_string(Get<uint8_t>(vector, row));
    case DUCKDB_TYPE_USMALLINT: return std::to_string(Get<uint16_t>(vector, row));
    case DUCKDB_TYPE_UINTEGER: return std::to_string(Get<uint32_t>(vector, row));
    case DUCKDB_TYPE_UBIGINT: return std::to_string(Get<uint64_t>(vector, row));
    case DUCKDB_TYPE_HUGEINT: return FormatInt128(ToInt128(Get<duckdb_hugeint>(vector, row)));
    case DUCKDB_TYPE_UHUGEINT: {
      auto value = Get<duckdb_uhugeint>(vector, row);
      return FormatUInt128((static_cast<unsigned __int128>(value.upper) << 64) | value.lower);
    }
    case DUCKDB_TYPE_FLOAT: return FormatFloat(Get<float>(vector, row));
    case DUCKDB_TYPE_DOUBLE: return FormatDouble(Get<double>(vector, row));
    case DUCKDB_TYPE_DECIMAL: return FormatDecimal(GetInteger(vector, type.internal, row), type.scale);
    case DUCKDB_TYPE_BIGNUM: return FormatBignum(GetString(vector, row));
    default: return "";
  }
}

std::string RenderTemporal(duckdb_vector vector, const ValueType& type, idx_t row) {
  switch (type.id) {
    case DUCKDB_TYPE_DATE: return FormatDate(Get<duckdb_date>(vector, row));
    case DUCKDB_TYPE_TIME: return FormatTimeMicros(Get<int64_t>(vector, row));
    case DUCKDB_TYPE_TIME_NS: return FormatTimeNanos(Get<int64_t>(vector, row));
    case DUCKDB_TYPE_TIME_TZ: return FormatTimeTz(Get<duckdb_time_tz>(vector, row));
    case DUCKDB_TYPE_TIMESTAMP: return FormatTimestampMicros(Get<int64_t>(vector, row), false);
    case DUCKDB_TYPE_TIMESTAMP_TZ: return FormatTimestampMicros(Get<int64_t>(vector, row), true);
    case DUCKDB_TYPE_TIMESTAMP_NS: return FormatTimestampNanos(Get<int64_t>(vector, row));
    case DUCKDB_TYPE_TIMESTAMP_S: return FormatTimestampMicros(Get<int64_t>(vector, row) * 1000000, false);
    case DUCKDB_TYPE_TIMESTAMP_MS: return FormatTimestampMicros(Get<int64_t>(vector, row) * 1000, false);
    case DUCKDB_TYPE_INTERVAL: return FormatInterval(Get<duckdb_interval>(vector, row));
    default: return "";
  }
}

std::string RenderScalar(duckdb_vector vector, const ValueType& type, idx_t row) {
  if (type.IsNumeric()) return RenderNumber(vector, type, row);
  switch (type.id) {
    case DUCKDB_TYPE_VARCHAR: return std::string(GetString(vector, row));
    case DUCKDB_TYPE_BOOLEAN: return Get<bool>(vector, row) ? "true" : "false";
    case DUCKDB_TYPE_BLOB: return FormatBlob(GetString(vector, row));
    case DUCKDB_TYPE_BIT: return FormatBit(GetString(vector, row));
    case DUCKDB_TYPE_UUID: return FormatUuid(Get<duckdb_hugeint>(vector, row));
    case DUCKDB_TYPE_ENUM: {
      auto index = static_cast<size_t>(GetInteger(vector, type.internal, row));
      return index < type.names.size() ? type.names[index] : "";
    }
    case DUCKDB_TYPE_SQLNULL: return "NULL";
    default: return RenderTemporal(vector, type, row);
  }
}

// DuckDB quotes a string inside a nested value when reading it back would be ambiguous.
bool NeedsQuotes(std::string_view text) {
  if (text.empty()) return true;
  if (std::isspace(static_cast<unsigned char>(text.front())) ||
      std::isspace(static_cast<unsigned char>(text.back()))) {
    return true;
  }
  if (text.size() == 4 && (text[0] | 0x20) == 'n' && (text[1] | 0x20) == 'u' && (text[2] | 0x20) == 'l' &&
      (text[3] | 0x20) == 'l') {
    return true;
  }
  return text.find_first_of("\"'(),:=[]{}") != std::string_view::npos;
}

void AppendQuoted(std::string_view text, std::string* out) {
  *out += '\'';
  for (char c : text) {
    if (c == '\'' || c == '\\') *out += '\\';
    *out += c;
  }
  *out += '\'';
}

void AppendValue(duckdb_vector vector, const ValueType& type, idx_t row, bool quote, std::string* out);

void AppendElements(duckdb_vector child, const ValueType& type, idx_t offset, idx_t length, bool quote,
                    std::string* out) {
  *out += '[';
  for (idx_t element_idx = 0; element_idx < length; ++element_idx) {
    if (element_idx > 0) *out += ", ";
    AppendValue(child, type, offset + element_idx, quote, out);
  }
  *out += ']';
}

void AppendStruct(duckdb_vector vector, const ValueType& type, idx_t row, std::string* out) {
  *out += '{';
  for (size_t member_idx = 0; member_idx < type.children.size(); ++member_idx) {
    if (member_idx > 0) *out += ", ";
    AppendQuoted(type.names[member_idx], out);
    *out += ": ";
    AppendValue(duckdb_struct_vector_get_child(vector, member_idx), type.children[member_idx], row, true, out);
  }
  *out += '}';
}

void AppendMap(duckdb_vector vector, const ValueType& type, idx_t row, std::string* out) {
  auto entry = Get<duckdb_list_entry>(vector, row);
  duckdb_vector entries = duckdb_list_vector_get_child(vector);
  duckdb_vector keys = duckdb_struct_vector_get_child(entries, 0);
  duckdb_vector values = duckdb_struct_vector_get_child(entries, 1);
  *out += '{';
  for (idx_t entry_idx = entry.offset; entry_idx < entry.offset + entry.length; ++entry_idx) {
    if (entry_idx > entry.offset) *out += ", ";
    AppendValue(keys, type.children[0], entry_idx, true, out);
    *out += '=';
    AppendValue(values, type.children[1], entry_idx, true, out);
  }
  *out += '}';
}

void AppendValue(duckdb_vector vector, const ValueType& type, idx_t row, bool quote, std::string* out) {
  if (!IsValid(vector, row)) {
    *out += "NULL";
    return;
  }
  switch (type.id) {
    case DUCKDB_TYPE_LIST: {
      auto entry = Get<duckdb_list_entry>(vector, row);
      return AppendElements(duckdb_list_vector_get_child(vector), type.children[0], entry.offset, entry.length,
                            true, out);
    }
    case DUCKDB_TYPE_ARRAY:  // DuckDB 1.4 quotes no array element.
      return AppendElements(duckdb_array_vector_get_child(vector), type.children[0], row * type.array_size,
                            type.array_size, false, out);
    case DUCKDB_TYPE_STRUCT: return AppendStruct(vector, type, row, out);
    case DUCKDB_TYPE_MAP: return AppendMap(vector, type, row, out);
    case DUCKDB_TYPE_UNION: {
      // A union is a struct whose first child is the tag; DuckDB prints the member unquoted.
      auto tag = Get<uint8_t>(duckdb_struct_vector_get_child(vector, 0), row);
      return AppendValue(duckdb_struct_vector_get_child(vector, tag + 1), type.children[tag], row, false, out);
    }
    default: {
      std::string text = RenderScalar(vector, type, row);
      if (quote && NeedsQuotes(text)) return AppendQuoted(text, out);
      *out += text;
    }
  }
}

void AppendJson(duckdb_vector vector, const ValueType& type, idx_t row, std::string* out);

void AppendJsonElements(duckdb_vector child, const ValueType& type, idx_t offset, idx_t length, std::string* out) {
  *out += '[';
  for (idx_t element_idx = 0; element_idx < length; ++element_idx) {
    if (element_idx > 0) *out += ',';
    AppendJson(child, type, offset + element_idx, out);
  }
  *out += ']';
}

void AppendJsonMap(duckdb_vector vector, const ValueType& type, idx_t row, std::string* out) {
  auto entry = Get<duckdb_list_entry>(vector, row);
  duckdb_vector entries = duckdb_list_vector_get_child(vector);
  duckdb_vector keys = duckdb_struct_vector_get_child(entries, 0);
  duckdb_vector values = duckdb_struct_vector_get_child(entries, 1);
  *out += '{';
  for (idx_t entry_idx = entry.offset; entry_idx < entry.offset + entry.length; ++entry_idx) {
    if (entry_idx > entry.offset) *out += ',';
    AppendJsonString(RenderValue(keys, type.children[0], entry_idx).value_or("NULL"), out);
    *out += ':';
    AppendJson(values, type.children[1], entry_idx, out);
  }
  *out += '}';
}

void AppendJson(duckdb_vector vector, const ValueType& type, idx_t row, std::string* out) {
  if (!IsValid(vector, row)) {
    *out += "null";
    return;
  }
  switch (type.id) {
    case DUCKDB_TYPE_LIST: {
      auto entry = Get<duckdb_list_entry>(vector, row);
      return AppendJsonElements(duckdb_list_vector_get_child(vector), type.children[0], entry.offset, entry.length, out);
    }
    case DUCKDB_TYPE_ARRAY:
      return AppendJsonElements(duckdb_array_vector_get_child(vector), type.children[0], row * type.array_size,
                                type.array_size, out);
    case DUCKDB_TYPE_STRUCT:
      *out += '{';
      for (size_t member_idx = 0; member_idx < type.children.size(); ++member_idx) {
        if (member_idx > 0) *out += ',';
        AppendJsonString(type.names[member_idx], out);
        *out += ':';
        AppendJson(duckdb_struct_vector_get_child(vector, member_idx), type.children[member_idx], row, out);
      }
      *out += '}';
      return;
    case DUCKDB_TYPE_MAP: return AppendJsonMap(vector, type, row, out);
    case DUCKDB_TYPE_UNION: {
      auto tag = Get<uint8_t>(duckdb_struct_vector_get_child(vector, 0), row);
      return AppendJson(duckdb_struct_vector_get_child(vector, tag + 1), type.children[tag], row, out);
    }
    default: {
      std::string text = RenderScalar(vector, type, row);
      bool bare = type.id == DUCKDB_TYPE_BOOLEAN || (type.IsNumeric() && IsJsonNumber(text));
      if (bare) *out += text;
      else AppendJsonString(text, out);
    }
  }
}

size_t SkipDigits(std::string_view text, size_t pos) {
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out += '"';
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          *out += "\\u00";
          *out += kHex[byte >> 4];
          *out += kHex[byte & 0xf];
        } else {
          *out += c;
        }
    }
  }
  *out += '"';
}

// JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view text) {
  size_t pos = !text.empty() && text[0] == '-' ? 1 : 0;
  size_t end = SkipDigits(text, pos);
  if (end == pos || (text[pos] == '0' && end > pos + 1)) return false;
  if (end < text.size() && text[end] == '.') {
    size_t fraction_end = SkipDigits(text, end + 1);
    if (fraction_end == end + 1) return false;
    end = fraction_end;
  }
  if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
    size_t digits = end + 1 < text.size() && (text[end + 1] == '+' || text[end + 1] == '-') ? end + 2 : end + 1;
    end = SkipDigits(text, digits);
    if (end == digits) return false;
  }
  return end == text.size();
}

std::string RenderJson(duckdb_vector vector, const ValueType& type, idx_t row) {
  std::string out;
  AppendJson(vector, type, row, &out);
  return out;
}

std::optional<std::string> RenderValue(duckdb_vector vector, const ValueType& type, idx_t row) {
  if (!IsValid(vector, row)) return std::nullopt;
  if (!type.IsNested()) return RenderScalar(vector, type, row);
  std::string out;
  AppendValue(vector, type, row, false, &out);
  return out;
}

}  // namespace adxm

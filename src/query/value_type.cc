#include "query/value_type.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <string_view>
#include <type_traits>

namespace adxm {
namespace {

// Owns a logical type returned by the C API.
struct TypeDeleter {
  void operator()(duckdb_logical_type type) const { duckdb_destroy_logical_type(&type); }
};
using OwnedType = std::unique_ptr<std::remove_pointer_t<duckdb_logical_type>, TypeDeleter>;

// Owns a string returned by the C API.
std::string TakeString(char* text) {
  std::string out = text != nullptr ? text : "";
  duckdb_free(text);
  return out;
}

ValueType DescribeOwned(duckdb_logical_type type) {
  OwnedType owned(type);
  return ValueType::Describe(type);
}

void DescribeMembers(duckdb_logical_type type, ValueType* out) {
  bool is_union = out->id == DUCKDB_TYPE_UNION;
  idx_t count = is_union ? duckdb_union_type_member_count(type) : duckdb_struct_type_child_count(type);
  for (idx_t member_idx = 0; member_idx < count; ++member_idx) {
    out->names.push_back(TakeString(is_union ? duckdb_union_type_member_name(type, member_idx)
                                             : duckdb_struct_type_child_name(type, member_idx)));
    out->children.push_back(DescribeOwned(is_union ? duckdb_union_type_member_type(type, member_idx)
                                                   : duckdb_struct_type_child_type(type, member_idx)));
  }
}

void DescribeChildren(duckdb_logical_type type, ValueType* out) {
  switch (out->id) {
    case DUCKDB_TYPE_DECIMAL:
      out->width = duckdb_decimal_width(type);
      out->scale = duckdb_decimal_scale(type);
      out->internal = duckdb_decimal_internal_type(type);
      break;
    case DUCKDB_TYPE_ENUM:
      out->internal = duckdb_enum_internal_type(type);
      for (idx_t value_idx = 0; value_idx < duckdb_enum_dictionary_size(type); ++value_idx) {
        out->names.push_back(TakeString(duckdb_enum_dictionary_value(type, value_idx)));
      }
      break;
    case DUCKDB_TYPE_LIST: out->children.push_back(DescribeOwned(duckdb_list_type_child_type(type))); break;
    case DUCKDB_TYPE_ARRAY:
      out->array_size = duckdb_array_type_array_size(type);
      out->children.push_back(DescribeOwned(duckdb_array_type_child_type(type)));
      break;
    case DUCKDB_TYPE_MAP:
      out->children.push_back(DescribeOwned(duckdb_map_type_key_type(type)));
      out->children.push_back(DescribeOwned(duckdb_map_type_value_type(type)));
      break;
    case DUCKDB_TYPE_STRUCT:
    case DUCKDB_TYPE_UNION: DescribeMembers(type, out); break;
    default: break;
  }
}

std::string_view ScalarName(duckdb_type id) {
  switch (id) {
    case DUCKDB_TYPE_BOOLEAN: return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT: return "TINYINT";
    case DUCKDB_TYPE_SMALLINT: return "SMALLINT";
    case DUCKDB_TYPE_INTEGER: return "INTEGER";
    case DUCKDB_TYPE_BIGINT: return "BIGINT";
    case DUCKDB_TYPE_UTINYINT: return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT: return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER: return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT: return "UBIGINT";
    case DUCKDB_TYPE_HUGEINT: return "HUGEINT";
    case DUCKDB_TYPE_UHUGEINT: return "UHUGEINT";
    case DUCKDB_TYPE_FLOAT: return "FLOAT";
    case DUCKDB_TYPE_DOUBLE: return "DOUBLE";
    case DUCKDB_TYPE_VARCHAR: return "VARCHAR";
    case DUCKDB_TYPE_BLOB: return "BLOB";
    case DUCKDB_TYPE_DATE: return "DATE";
    case DUCKDB_TYPE_TIME: return "TIME";
    case DUCKDB_TYPE_TIME_NS: return "TIME_NS";
    case DUCKDB_TYPE_TIME_TZ: return "TIME WITH TIME ZONE";
    case DUCKDB_TYPE_TIMESTAMP: return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_S: return "TIMESTAMP_S";
    case DUCKDB_TYPE_TIMESTAMP_MS: return "TIMESTAMP_MS";
    case DUCKDB_TYPE_TIMESTAMP_NS: return "TIMESTAMP_NS";
    case DUCKDB_TYPE_TIMESTAMP_TZ: return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_INTERVAL: return "INTERVAL";
    case DUCKDB_TYPE_UUID: return "UUID";
    case DUCKDB_TYPE_BIT: return "BIT";
    case DUCKDB_TYPE_BIGNUM: return "BIGNUM";
    case DUCKDB_TYPE_SQLNULL: return "\"NULL\"";
    default: return "UNKNOWN";
  }
}

// DuckDB quotes a member name unless it is a plain identifier and not a keyword. The keyword list
// is the common subset; a rarer keyword used as a member name prints unquoted.
std::string MemberName(std::string_view name) {
  static constexpr std::array<std::string_view, 24> kKeywords = {
      "all", "and", "as", "by", "case", "cast", "date", "default", "false", "from", "group", "in",
      "key", "name", "not", "null", "or", "order", "select", "table", "time", "true", "type", "where"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
               std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
  if (plain && std::find(kKeywords.begin(), kKeywords.end(), lower) == kKeywords.end()) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string MembersName(std::string_view kind, const ValueType& type) {
  std::string out(kind);
  out += '(';
  for (size_t member_idx = 0; member_idx < type.children.size(); ++member_idx) {
    if (member_idx > 0) out += ", ";
    out += MemberName(type.names[member_idx]) + " " + type.children[member_idx].Name();
  }
  return out + ")";
}

std::string EnumName(const ValueType& type) {
  std::string out = "ENUM(";
  for (size_t value_idx = 0; value_idx < type.names.size(); ++value_idx) {
    if (value_idx > 0) out += ", ";
    out += '\'';
    for (char c : type.names[value_idx]) out += c == '\'' ? std::string("''") : std::string(1, c);
    out += '\'';
  }
  return out + ")";
}

}  // namespace

ValueType ValueType::Describe(duckdb_logical_type type) {
  ValueType out;
  out.id = duckdb_get_type_id(type);
  out.alias = TakeString(duckdb_logical_type_get_alias(type));
  DescribeChildren(type, &out);
  return out;
}

std::string ValueType::Name() const {
  if (!alias.empty()) return alias;
  switch (id) {
    case DUCKDB_TYPE_DECIMAL: return "DECIMAL(" + std::to_string(width) + "," + std::to_string(scale) + ")";
    case DUCKDB_TYPE_ENUM: return EnumName(*this);
    case DUCKDB_TYPE_LIST: return children[0].Name() + "[]";
    case DUCKDB_TYPE_ARRAY: return children[0].Name() + "[" + std::to_string(array_size) + "]";
    case DUCKDB_TYPE_MAP: return "MAP(" + children[0].Name() + ", " + children[1].Name() + ")";
    case DUCKDB_TYPE_STRUCT: return MembersName("STRUCT", *this);
    case DUCKDB_TYPE_UNION: return MembersName("UNION", *this);
    default: return std::string(ScalarName(id));
  }
}

bool ValueType::IsNumeric() const {
  switch (id) {
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_BIGNUM:
    case DUCKDB_TYPE_DECIMAL:
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE: return true;
    default: return false;
  }
}

bool ValueType::IsNested() const {
  return id == DUCKDB_TYPE_LIST || id == DUCKDB_TYPE_ARRAY || id == DUCKDB_TYPE_STRUCT ||
         id == DUCKDB_TYPE_MAP || id == DUCKDB_TYPE_UNION;
}

}  // namespace adxm

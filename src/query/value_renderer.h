// Render the values of a result vector as text, exactly as DuckDB's CAST(... AS VARCHAR).
//
// Every type is decoded natively from the vector (duckdb_vector_get_data, validity masks,
// list/struct/array child vectors); nested values follow DuckDB's layout: [a, 'b,c'],
// {'k': v}, {key=value}, with strings quoted only when DuckDB would quote them.
//
// Thread-safety: pure functions over vectors the caller owns.
// Example:
//   ValueType type = ValueType::Describe(logical_type);
//   std::optional<std::string> text = RenderValue(chunk.column(0), type, row);
#pragma once

#include <optional>
#include <string>

#include "db/duckdb_api.h"
#include "query/value_type.h"

namespace adxm {

/// Return row `row` of `vector` (whose type is `type`) as text, or nullopt for NULL.
std::optional<std::string> RenderValue(duckdb_vector vector, const ValueType& type, idx_t row);

/// Return row `row` of `vector` as JSON: lists and arrays as arrays, structs and maps as objects
/// (map keys as their text), finite numbers and booleans bare, NULL as null, everything else
/// (NaN and infinities too) as a string of its text.
std::string RenderJson(duckdb_vector vector, const ValueType& type, idx_t row);

/// Append `text` as a JSON string: quotes, backslash and every control character escaped.
void AppendJsonString(std::string_view text, std::string* out);

/// Return whether `text` follows the JSON number grammar (so "inf" and "nan" do not).
bool IsJsonNumber(std::string_view text);

}  // namespace adxm

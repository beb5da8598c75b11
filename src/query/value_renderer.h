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

#include <duckdb.h>

#include <optional>
#include <string>

#include "query/value_type.h"

namespace adxm {

/// Return row `row` of `vector` (whose type is `type`) as text, or nullopt for NULL.
std::optional<std::string> RenderValue(duckdb_vector vector, const ValueType& type, idx_t row);

}  // namespace adxm

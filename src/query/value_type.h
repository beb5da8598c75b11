// A result column's DuckDB logical type, resolved once with all its children.
//
// Rendering a value needs its type's details (DECIMAL scale, ENUM dictionary,
// STRUCT member names, ...); reading them through the C API allocates, so a
// ValueType is built once per result column and reused for every row.
//
// Thread-safety: an immutable value after Describe().
// Example:
//   ValueType type = ValueType::Describe(logical_type);
//   std::string name = type.Name();  // "DECIMAL(18,3)", "VARCHAR[]", "STRUCT(a INTEGER)"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/duckdb_api.h"

namespace adxm {

/// A DuckDB logical type with the details needed to name it and render its values.
struct ValueType {
  duckdb_type id = DUCKDB_TYPE_INVALID;          // The type.
  duckdb_type internal = DUCKDB_TYPE_INVALID;    // DECIMAL and ENUM: the physical storage type.
  std::string alias;                             // Alias such as JSON; empty when none.
  uint8_t width = 0;                             // DECIMAL: total digits.
  uint8_t scale = 0;                             // DECIMAL: digits after the point.
  uint64_t array_size = 0;                       // ARRAY: elements per value.
  std::vector<std::string> names;                // STRUCT/UNION member names; ENUM dictionary.
  std::vector<ValueType> children;               // LIST/ARRAY element; MAP key, value; members.

  /// Resolve `type` (not taken over; the caller still destroys it).
  static ValueType Describe(duckdb_logical_type type);

  /// Return the name DuckDB gives the type (as typeof() and DESCRIBE print it).
  std::string Name() const;

  /// True for integer, DECIMAL and floating-point types.
  bool IsNumeric() const;

  /// True for LIST, ARRAY, STRUCT, MAP and UNION.
  bool IsNested() const;
};

}  // namespace adxm

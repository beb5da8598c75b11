#include "query/query_table.h"

#include <algorithm>

#include "query/value_renderer.h"
#include "query/value_type.h"

namespace adxm {
namespace {

Result<std::vector<ValueType>> DescribeColumns(QueryResult* result, QueryTable* table) {
  std::vector<ValueType> types;
  for (size_t column_idx = 0; column_idx < result->column_count(); ++column_idx) {
    duckdb_logical_type logical_type = duckdb_column_logical_type(result->get(), column_idx);
    types.push_back(ValueType::Describe(logical_type));
    duckdb_destroy_logical_type(&logical_type);
    table->column_names.emplace_back(result->column_name(column_idx));
    if (types.back().id == DUCKDB_TYPE_INVALID) {
      return Status::InvalidArgument("column " + table->column_names.back() +
                                     ": its type is not readable through the DuckDB C API; CAST it to VARCHAR");
    }
    table->column_types.push_back(types.back().Name());
    table->numeric.push_back(types.back().IsNumeric());
    table->nested.push_back(types.back().IsNested());
  }
  return types;
}

}  // namespace

Result<QueryTable> QueryTable::Read(QueryResult* result, size_t max_rows) {
  QueryTable table;
  ADXM_ASSIGN_OR_RETURN(std::vector<ValueType> types, DescribeColumns(result, &table));
  for (DataChunk chunk = result->Fetch(); chunk.valid() && table.rows.size() <= max_rows; chunk = result->Fetch()) {
    size_t first_row = table.rows.size();
    table.rows.resize(first_row + chunk.size(), std::vector<Cell>(types.size()));
    bool any_nested = std::find(table.nested.begin(), table.nested.end(), true) != table.nested.end();
    if (any_nested) table.json_rows.resize(table.rows.size(), std::vector<Cell>(types.size()));
    for (size_t column_idx = 0; column_idx < types.size(); ++column_idx) {
      duckdb_vector vector = chunk.column(column_idx);
      for (size_t row = 0; row < chunk.size(); ++row) {
        table.rows[first_row + row][column_idx] = RenderValue(vector, types[column_idx], row);
        if (table.nested[column_idx]) {
          table.json_rows[first_row + row][column_idx] = RenderJson(vector, types[column_idx], row);
        }
      }
    }
  }
  return table;
}

}  // namespace adxm

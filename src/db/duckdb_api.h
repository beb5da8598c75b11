// The DuckDB C API, loaded when first needed: libduckdb.so (~65 MB) is opened with dlopen the
// first time a run uses DuckDB, not at program start. Loading it costs ~10 ms of relocations and
// static initialisers and ~10 MB of resident memory, which an ingest that reads no Parquet (no
// dedup reload, no compaction) and commands such as `schema` or `generate` never need to pay.
//
// Include this header (db/duckdb.h does) instead of <duckdb.h>: after it, a call written as
// `duckdb_query(...)` goes through the table of functions resolved from the loaded library, so
// call sites read as plain C API calls. A function not listed in ADXM_DUCKDB_FUNCTIONS still
// names the library's symbol, which the build does not link: adding a new call fails at link
// time until its name is added here. The environment variable ADXM_DUCKDB_LIBRARY names another
// libduckdb.so to load instead of the one scripts/bootstrap installed.
//
// Thread-safety: a successful load happens once (under a mutex; a failed one is retried by the
// next caller); the table is immutable after.
#pragma once

#include <duckdb.h>

#include "base/status.h"

// Every C API function adxmetrics calls (sorted).
#define ADXM_DUCKDB_FUNCTIONS(X) \
  X(duckdb_append_data_chunk) \
  X(duckdb_appender_close) \
  X(duckdb_appender_create) \
  X(duckdb_appender_destroy) \
  X(duckdb_appender_error) \
  X(duckdb_array_type_array_size) \
  X(duckdb_array_type_child_type) \
  X(duckdb_array_vector_get_child) \
  X(duckdb_bind_add_result_column) \
  X(duckdb_bind_boolean) \
  X(duckdb_bind_date) \
  X(duckdb_bind_double) \
  X(duckdb_bind_int64) \
  X(duckdb_bind_null) \
  X(duckdb_bind_varchar_length) \
  X(duckdb_close) \
  X(duckdb_column_count) \
  X(duckdb_column_logical_type) \
  X(duckdb_column_name) \
  X(duckdb_column_type) \
  X(duckdb_connect) \
  X(duckdb_create_config) \
  X(duckdb_create_logical_type) \
  X(duckdb_create_table_function) \
  X(duckdb_data_chunk_get_size) \
  X(duckdb_data_chunk_get_vector) \
  X(duckdb_data_chunk_set_size) \
  X(duckdb_decimal_internal_type) \
  X(duckdb_decimal_scale) \
  X(duckdb_decimal_width) \
  X(duckdb_destroy_config) \
  X(duckdb_destroy_data_chunk) \
  X(duckdb_destroy_extracted) \
  X(duckdb_destroy_logical_type) \
  X(duckdb_destroy_pending) \
  X(duckdb_destroy_prepare) \
  X(duckdb_destroy_result) \
  X(duckdb_destroy_table_function) \
  X(duckdb_disconnect) \
  X(duckdb_enum_dictionary_size) \
  X(duckdb_enum_dictionary_value) \
  X(duckdb_enum_internal_type) \
  X(duckdb_execute_pending) \
  X(duckdb_execute_prepared) \
  X(duckdb_extract_statements) \
  X(duckdb_extract_statements_error) \
  X(duckdb_fetch_chunk) \
  X(duckdb_free) \
  X(duckdb_from_date) \
  X(duckdb_from_time_tz) \
  X(duckdb_from_timestamp) \
  X(duckdb_function_get_extra_info) \
  X(duckdb_function_get_init_data) \
  X(duckdb_get_type_id) \
  X(duckdb_init_set_init_data) \
  X(duckdb_interrupt) \
  X(duckdb_list_type_child_type) \
  X(duckdb_list_vector_get_child) \
  X(duckdb_logical_type_get_alias) \
  X(duckdb_map_type_key_type) \
  X(duckdb_map_type_value_type) \
  X(duckdb_nparams) \
  X(duckdb_open_ext) \
  X(duckdb_parameter_name) \
  X(duckdb_pending_error) \
  X(duckdb_pending_prepared_streaming) \
  X(duckdb_prepare) \
  X(duckdb_prepare_error) \
  X(duckdb_prepare_extracted_statement) \
  X(duckdb_prepared_statement_type) \
  X(duckdb_query) \
  X(duckdb_register_table_function) \
  X(duckdb_result_error) \
  X(duckdb_rows_changed) \
  X(duckdb_set_config) \
  X(duckdb_string_t_data) \
  X(duckdb_string_t_length) \
  X(duckdb_struct_type_child_count) \
  X(duckdb_struct_type_child_name) \
  X(duckdb_struct_type_child_type) \
  X(duckdb_struct_vector_get_child) \
  X(duckdb_table_function_set_bind) \
  X(duckdb_table_function_set_extra_info) \
  X(duckdb_table_function_set_function) \
  X(duckdb_table_function_set_init) \
  X(duckdb_table_function_set_name) \
  X(duckdb_union_type_member_count) \
  X(duckdb_union_type_member_name) \
  X(duckdb_union_type_member_type) \
  X(duckdb_validity_row_is_valid) \
  X(duckdb_validity_set_row_invalid) \
  X(duckdb_vector_assign_string_element_len) \
  X(duckdb_vector_ensure_validity_writable) \
  X(duckdb_vector_get_data) \
  X(duckdb_vector_get_validity) \
  X(duckdb_vector_size) \

namespace adxm {

/// Pointers to the C API functions of the loaded library.
struct DuckDbFunctions {
#define ADXM_DUCKDB_POINTER(name) decltype(&::name) name = nullptr;
  ADXM_DUCKDB_FUNCTIONS(ADXM_DUCKDB_POINTER)
#undef ADXM_DUCKDB_POINTER
};

/// Load libduckdb.so if not yet loaded: OK, or why it cannot be loaded (the paths tried and
/// dlerror's reason). Database::Open calls it, so its failure is an ordinary error, and a later
/// call tries again.
Status LoadDuckDb();

namespace internal {
// The table of a successful LoadDuckDb; if loading fails, prints the reason and aborts (only
// reachable by a call that did not go through Database::Open first).
const DuckDbFunctions& LoadDuckDbOrDie();
}  // namespace internal

/// The loaded C API.
inline const DuckDbFunctions& DuckDb() {
  static const DuckDbFunctions& functions = internal::LoadDuckDbOrDie();
  return functions;
}

}  // namespace adxm

// Calls by their C API names go through the loaded table (not in duckdb_api.cc, which resolves
// the names).
#ifndef ADXM_DUCKDB_API_IMPLEMENTATION
#define duckdb_append_data_chunk (::adxm::DuckDb().duckdb_append_data_chunk)
#define duckdb_appender_close (::adxm::DuckDb().duckdb_appender_close)
#define duckdb_appender_create (::adxm::DuckDb().duckdb_appender_create)
#define duckdb_appender_destroy (::adxm::DuckDb().duckdb_appender_destroy)
#define duckdb_appender_error (::adxm::DuckDb().duckdb_appender_error)
#define duckdb_array_type_array_size (::adxm::DuckDb().duckdb_array_type_array_size)
#define duckdb_array_type_child_type (::adxm::DuckDb().duckdb_array_type_child_type)
#define duckdb_array_vector_get_child (::adxm::DuckDb().duckdb_array_vector_get_child)
#define duckdb_bind_add_result_column (::adxm::DuckDb().duckdb_bind_add_result_column)
#define duckdb_bind_boolean (::adxm::DuckDb().duckdb_bind_boolean)
#define duckdb_bind_date (::adxm::DuckDb().duckdb_bind_date)
#define duckdb_bind_double (::adxm::DuckDb().duckdb_bind_double)
#define duckdb_bind_int64 (::adxm::DuckDb().duckdb_bind_int64)
#define duckdb_bind_null (::adxm::DuckDb().duckdb_bind_null)
#define duckdb_bind_varchar_length (::adxm::DuckDb().duckdb_bind_varchar_length)
#define duckdb_close (::adxm::DuckDb().duckdb_close)
#define duckdb_column_count (::adxm::DuckDb().duckdb_column_count)
#define duckdb_column_logical_type (::adxm::DuckDb().duckdb_column_logical_type)
#define duckdb_column_name (::adxm::DuckDb().duckdb_column_name)
#define duckdb_column_type (::adxm::DuckDb().duckdb_column_type)
#define duckdb_connect (::adxm::DuckDb().duckdb_connect)
#define duckdb_create_config (::adxm::DuckDb().duckdb_create_config)
#define duckdb_create_logical_type (::adxm::DuckDb().duckdb_create_logical_type)
#define duckdb_create_table_function (::adxm::DuckDb().duckdb_create_table_function)
#define duckdb_data_chunk_get_size (::adxm::DuckDb().duckdb_data_chunk_get_size)
#define duckdb_data_chunk_get_vector (::adxm::DuckDb().duckdb_data_chunk_get_vector)
#define duckdb_data_chunk_set_size (::adxm::DuckDb().duckdb_data_chunk_set_size)
#define duckdb_decimal_internal_type (::adxm::DuckDb().duckdb_decimal_internal_type)
#define duckdb_decimal_scale (::adxm::DuckDb().duckdb_decimal_scale)
#define duckdb_decimal_width (::adxm::DuckDb().duckdb_decimal_width)
#define duckdb_destroy_config (::adxm::DuckDb().duckdb_destroy_config)
#define duckdb_destroy_data_chunk (::adxm::DuckDb().duckdb_destroy_data_chunk)
#define duckdb_destroy_extracted (::adxm::DuckDb().duckdb_destroy_extracted)
#define duckdb_destroy_logical_type (::adxm::DuckDb().duckdb_destroy_logical_type)
#define duckdb_destroy_pending (::adxm::DuckDb().duckdb_destroy_pending)
#define duckdb_destroy_prepare (::adxm::DuckDb().duckdb_destroy_prepare)
#define duckdb_destroy_result (::adxm::DuckDb().duckdb_destroy_result)
#define duckdb_destroy_table_function (::adxm::DuckDb().duckdb_destroy_table_function)
#define duckdb_disconnect (::adxm::DuckDb().duckdb_disconnect)
#define duckdb_enum_dictionary_size (::adxm::DuckDb().duckdb_enum_dictionary_size)
#define duckdb_enum_dictionary_value (::adxm::DuckDb().duckdb_enum_dictionary_value)
#define duckdb_enum_internal_type (::adxm::DuckDb().duckdb_enum_internal_type)
#define duckdb_execute_pending (::adxm::DuckDb().duckdb_execute_pending)
#define duckdb_execute_prepared (::adxm::DuckDb().duckdb_execute_prepared)
#define duckdb_extract_statements (::adxm::DuckDb().duckdb_extract_statements)
#define duckdb_extract_statements_error (::adxm::DuckDb().duckdb_extract_statements_error)
#define duckdb_fetch_chunk (::adxm::DuckDb().duckdb_fetch_chunk)
#define duckdb_free (::adxm::DuckDb().duckdb_free)
#define duckdb_from_date (::adxm::DuckDb().duckdb_from_date)
#define duckdb_from_time_tz (::adxm::DuckDb().duckdb_from_time_tz)
#define duckdb_from_timestamp (::adxm::DuckDb().duckdb_from_timestamp)
#define duckdb_function_get_extra_info (::adxm::DuckDb().duckdb_function_get_extra_info)
#define duckdb_function_get_init_data (::adxm::DuckDb().duckdb_function_get_init_data)
#define duckdb_get_type_id (::adxm::DuckDb().duckdb_get_type_id)
#define duckdb_init_set_init_data (::adxm::DuckDb().duckdb_init_set_init_data)
#define duckdb_interrupt (::adxm::DuckDb().duckdb_interrupt)
#define duckdb_list_type_child_type (::adxm::DuckDb().duckdb_list_type_child_type)
#define duckdb_list_vector_get_child (::adxm::DuckDb().duckdb_list_vector_get_child)
#define duckdb_logical_type_get_alias (::adxm::DuckDb().duckdb_logical_type_get_alias)
#define duckdb_map_type_key_type (::adxm::DuckDb().duckdb_map_type_key_type)
#define duckdb_map_type_value_type (::adxm::DuckDb().duckdb_map_type_value_type)
#define duckdb_nparams (::adxm::DuckDb().duckdb_nparams)
#define duckdb_open_ext (::adxm::DuckDb().duckdb_open_ext)
#define duckdb_parameter_name (::adxm::DuckDb().duckdb_parameter_name)
#define duckdb_pending_error (::adxm::DuckDb().duckdb_pending_error)
#define duckdb_pending_prepared_streaming (::adxm::DuckDb().duckdb_pending_prepared_streaming)
#define duckdb_prepare (::adxm::DuckDb().duckdb_prepare)
#define duckdb_prepare_error (::adxm::DuckDb().duckdb_prepare_error)
#define duckdb_prepare_extracted_statement (::adxm::DuckDb().duckdb_prepare_extracted_statement)
#define duckdb_prepared_statement_type (::adxm::DuckDb().duckdb_prepared_statement_type)
#define duckdb_query (::adxm::DuckDb().duckdb_query)
#define duckdb_register_table_function (::adxm::DuckDb().duckdb_register_table_function)
#define duckdb_result_error (::adxm::DuckDb().duckdb_result_error)
#define duckdb_rows_changed (::adxm::DuckDb().duckdb_rows_changed)
#define duckdb_set_config (::adxm::DuckDb().duckdb_set_config)
#define duckdb_string_t_data (::adxm::DuckDb().duckdb_string_t_data)
#define duckdb_string_t_length (::adxm::DuckDb().duckdb_string_t_length)
#define duckdb_struct_type_child_count (::adxm::DuckDb().duckdb_struct_type_child_count)
#define duckdb_struct_type_child_name (::adxm::DuckDb().duckdb_struct_type_child_name)
#define duckdb_struct_type_child_type (::adxm::DuckDb().duckdb_struct_type_child_type)
#define duckdb_struct_vector_get_child (::adxm::DuckDb().duckdb_struct_vector_get_child)
#define duckdb_table_function_set_bind (::adxm::DuckDb().duckdb_table_function_set_bind)
#define duckdb_table_function_set_extra_info (::adxm::DuckDb().duckdb_table_function_set_extra_info)
#define duckdb_table_function_set_function (::adxm::DuckDb().duckdb_table_function_set_function)
#define duckdb_table_function_set_init (::adxm::DuckDb().duckdb_table_function_set_init)
#define duckdb_table_function_set_name (::adxm::DuckDb().duckdb_table_function_set_name)
#define duckdb_union_type_member_count (::adxm::DuckDb().duckdb_union_type_member_count)
#define duckdb_union_type_member_name (::adxm::DuckDb().duckdb_union_type_member_name)
#define duckdb_union_type_member_type (::adxm::DuckDb().duckdb_union_type_member_type)
#define duckdb_validity_row_is_valid (::adxm::DuckDb().duckdb_validity_row_is_valid)
#define duckdb_validity_set_row_invalid (::adxm::DuckDb().duckdb_validity_set_row_invalid)
#define duckdb_vector_assign_string_element_len (::adxm::DuckDb().duckdb_vector_assign_string_element_len)
#define duckdb_vector_ensure_validity_writable (::adxm::DuckDb().duckdb_vector_ensure_validity_writable)
#define duckdb_vector_get_data (::adxm::DuckDb().duckdb_vector_get_data)
#define duckdb_vector_get_validity (::adxm::DuckDb().duckdb_vector_get_validity)
#define duckdb_vector_size (::adxm::DuckDb().duckdb_vector_size)
#endif  // ADXM_DUCKDB_API_IMPLEMENTATION

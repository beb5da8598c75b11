# Third-party dependencies: Debian packages plus DuckDB fetched by scripts/bootstrap.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(simdjson REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)

set(ADXM_DEPS_DIR "${PROJECT_SOURCE_DIR}/.deps" CACHE PATH "Where scripts/bootstrap put DuckDB")
if(NOT EXISTS "${ADXM_DEPS_DIR}/duckdb/lib/libduckdb.so")
  message(FATAL_ERROR "DuckDB not found in ${ADXM_DEPS_DIR}/duckdb; run scripts/bootstrap")
endif()
# Not linked: src/db/duckdb_api.cc opens libduckdb.so with dlopen when a run first uses DuckDB
# (this path first, then the loader's search, which the RUNPATH below joins).
add_library(duckdb INTERFACE IMPORTED GLOBAL)
set_target_properties(duckdb PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${ADXM_DEPS_DIR}/duckdb/include"
  INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
set(ADXM_DUCKDB_LIBRARY "${ADXM_DEPS_DIR}/duckdb/lib/libduckdb.so")
set(CMAKE_BUILD_RPATH "${ADXM_DEPS_DIR}/duckdb/lib")

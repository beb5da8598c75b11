# adxm_library(<name> SOURCES ... [DEPS ...] [TESTS ...])
#   Defines static library adxm_<name>; headers are included as "<module>/<file>.h".
#   TESTS are *_test.cc files compiled into the single test binary.
function(adxm_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;TESTS" ${ARGN})
  add_library(adxm_${name} STATIC ${ARG_SOURCES})
  target_include_directories(adxm_${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(adxm_${name} PUBLIC ${ARG_DEPS})
  foreach(test ${ARG_TESTS})
    set_property(GLOBAL APPEND PROPERTY ADXM_TEST_SOURCES "${CMAKE_CURRENT_SOURCE_DIR}/${test}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY ADXM_TEST_LIBS adxm_${name})
endfunction()

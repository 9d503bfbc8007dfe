# Helpers shared by the concept folders.
#
# deconflict_module(NAME <name> [DEPS <targets...>])
#   Builds library dc_<name> from every *.cc in the calling folder that is not a *_test.cc,
#   and, when *_test.cc files exist, a GoogleTest binary <name>_tests registered with CTest.
#   Headers are included as "<folder>/<header>.h" from src/.
function(deconflict_module)
  cmake_parse_arguments(M "" "NAME" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_sources "")
  set(test_sources "")
  foreach(f ${all_sources})
    if(f MATCHES "_test\\.cc$")
      list(APPEND test_sources ${f})
    elseif(NOT f MATCHES "_fuzz\\.cc$")
      list(APPEND lib_sources ${f})
    endif()
  endforeach()
  if(lib_sources)
    add_library(dc_${M_NAME} STATIC ${lib_sources})
    target_include_directories(dc_${M_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  else()
    add_library(dc_${M_NAME} INTERFACE)
    target_include_directories(dc_${M_NAME} INTERFACE ${CMAKE_SOURCE_DIR}/src)
  endif()
  if(lib_sources)
    target_compile_options(dc_${M_NAME} PRIVATE ${DECONFLICT_WARNINGS})
    target_link_libraries(dc_${M_NAME} PUBLIC ${M_DEPS})
  else()
    target_link_libraries(dc_${M_NAME} INTERFACE ${M_DEPS})
  endif()
  deconflict_register_module(dc_${M_NAME})
  if(test_sources AND BUILD_TESTING)
    add_executable(${M_NAME}_tests ${test_sources})
    target_compile_options(${M_NAME}_tests PRIVATE ${DECONFLICT_WARNINGS})
    target_compile_definitions(${M_NAME}_tests PRIVATE
      DECONFLICT_TEST_DATA="${CMAKE_SOURCE_DIR}/tests/data"
      DECONFLICT_BINARY_DIR="${CMAKE_BINARY_DIR}")
    target_link_libraries(${M_NAME}_tests PRIVATE dc_${M_NAME} ${M_TEST_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    gtest_discover_tests(${M_NAME}_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${M_NAME})
  endif()
endfunction()

# Every module library, so that the command-line program and the benchmarks can link them all.
function(deconflict_register_module target)
  set_property(GLOBAL APPEND PROPERTY DECONFLICT_MODULE_TARGETS ${target})
endfunction()

# Google Benchmark through a C shim: the shim library, the ivm-gbench program
# and their tests. Included by the top-level CMakeLists.txt after harness/,
# so the harness core (ivm_harness) is known here when it is built.
find_package(benchmark 1.7 QUIET)
find_library(IVM_PROFILER_LIBRARY profiler)
find_path(IVM_PROFILER_INCLUDE_DIR gperftools/profiler.h)
if(NOT benchmark_FOUND OR NOT IVM_PROFILER_LIBRARY
   OR NOT IVM_PROFILER_INCLUDE_DIR)
  message(WARNING "ivm-gbench needs Google Benchmark (libbenchmark-dev) and "
          "gperftools (libgoogle-perftools-dev); it is not built")
  return()
endif()
if(NOT TARGET ivm_harness)
  message(WARNING "ivm-gbench needs the harness core (ivm_harness); it is "
          "not built")
  return()
endif()
enable_language(CXX)

# The C warnings minus the one that only C has.
set(IVM_GBENCH_CXX_WARNINGS ${IVM_WARNINGS})
list(REMOVE_ITEM IVM_GBENCH_CXX_WARNINGS -Wstrict-prototypes)

# The shim: the only C++ of the program, gbench.h as its C interface.
add_library(ivm_gbench_shim STATIC ${CMAKE_CURRENT_LIST_DIR}/gbench.cc)
target_include_directories(ivm_gbench_shim PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(ivm_gbench_shim PUBLIC benchmark::benchmark)
target_compile_options(ivm_gbench_shim PRIVATE ${IVM_GBENCH_CXX_WARNINGS})
set_target_properties(ivm_gbench_shim PROPERTIES CXX_STANDARD 17
                      CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)

add_executable(ivm-gbench ${CMAKE_CURRENT_LIST_DIR}/ivm_gbench.c)
target_link_libraries(ivm-gbench PRIVATE ivm_gbench_shim ivm_harness
                      ${IVM_PROFILER_LIBRARY})
target_include_directories(ivm-gbench PRIVATE ${IVM_PROFILER_INCLUDE_DIR})
target_compile_options(ivm-gbench PRIVATE ${IVM_WARNINGS})
set_target_properties(ivm-gbench PROPERTIES
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

# Tests: the shim's contract, and ivm-gbench covering every implementation
# and operation; a Python (standard library only) checker reads their JSON.
if(IVM_BUILD_TESTS)
  find_package(Python3 COMPONENTS Interpreter)
  if(NOT Python3_Interpreter_FOUND)
    message(WARNING "python3 not found: the gbench tests are not registered")
    return()
  endif()
  set(IVM_GBENCH_TESTS ${PROJECT_SOURCE_DIR}/tests/gbench)
  add_executable(ivm-gbench-impls ${IVM_GBENCH_TESTS}/list_impls.c)
  target_link_libraries(ivm-gbench-impls PRIVATE ivm_harness)
  target_compile_options(ivm-gbench-impls PRIVATE ${IVM_WARNINGS})
  add_executable(ivm-gbench-shim-check ${IVM_GBENCH_TESTS}/shim_check.c)
  target_link_libraries(ivm-gbench-shim-check PRIVATE ivm_gbench_shim)
  target_compile_options(ivm-gbench-shim-check PRIVATE ${IVM_WARNINGS})
  set_target_properties(ivm-gbench-impls ivm-gbench-shim-check PROPERTIES
                        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

  # The top level enables testing after this file; ctest needs it here too.
  enable_testing()
  add_test(NAME gbench_shim
           COMMAND ${Python3_EXECUTABLE} ${IVM_GBENCH_TESTS}/check_gbench.py
                   shim $<TARGET_FILE:ivm-gbench-shim-check>
                   ${CMAKE_BINARY_DIR}/tests/gbench_shim)
  add_test(NAME gbench
           COMMAND ${Python3_EXECUTABLE} ${IVM_GBENCH_TESTS}/check_gbench.py
                   run $<TARGET_FILE:ivm-gbench>
                   $<TARGET_FILE:ivm-gbench-impls>
                   ${CMAKE_BINARY_DIR}/tests/gbench)
  set_tests_properties(gbench_shim gbench PROPERTIES TIMEOUT 300)
endif()

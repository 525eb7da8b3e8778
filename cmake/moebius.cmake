# moebius_library(NAME name SRCS ... DEPS ...): one library target per source folder.
# Only the listed DEPS are linked, so an include against the layer order fails to build.
function(moebius_library)
  cmake_parse_arguments(ML "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(${ML_NAME} STATIC ${ML_SRCS})
  target_include_directories(${ML_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${ML_NAME} PUBLIC ${ML_DEPS})
endfunction()

# moebius_test(NAME name SRCS ... DEPS ...): a GoogleTest binary registered with ctest.
function(moebius_test)
  cmake_parse_arguments(MT "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT MOEBIUS_BUILD_TESTS OR NOT GTest_FOUND)
    return()
  endif()
  add_executable(${MT_NAME} ${MT_SRCS})
  target_link_libraries(${MT_NAME} PRIVATE ${MT_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${MT_NAME} COMMAND ${MT_NAME})
  set_tests_properties(${MT_NAME} PROPERTIES LABELS unit)
endfunction()

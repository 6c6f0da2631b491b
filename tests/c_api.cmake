# tests/c_api.cmake: the C API (smtp/smtp.h). Included by tests/CMakeLists.txt.
#
#   smtp_c_test        GoogleTest, the C API against the C++ API (C++20)
#   smtp_replay        the C consumer, built here as C99 from the source tree
#   c_api.consumer     tests/consumer_c/run.sh: install, build smtp_replay.c
#                      with pkg-config from the prefix (shared and static),
#                      check SONAME and exports, replay tests/data/ and
#                      corpus/regressions/ byte-identical to smtp-parse
if(NOT TARGET smtp_c_api)
  return()
endif()

add_executable(smtp_c_test ${CMAKE_CURRENT_LIST_DIR}/smtp_c_test.cc)
target_include_directories(smtp_c_test PRIVATE ${PROJECT_SOURCE_DIR}/fuzz)
target_link_libraries(smtp_c_test PRIVATE smtp_c_api GTest::gtest_main)
target_compile_definitions(smtp_c_test PRIVATE
  SMTP_REALWORLD_DIR="${CMAKE_CURRENT_LIST_DIR}/data/realworld")
gtest_discover_tests(smtp_c_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS c_api TIMEOUT 300)

# The header and the consumer compile as C99 with -pedantic (the top level
# adds -Wall -Wextra -Wpedantic -Werror).
add_executable(smtp_replay ${CMAKE_CURRENT_LIST_DIR}/consumer_c/smtp_replay.c)
set_target_properties(smtp_replay PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
target_link_libraries(smtp_replay PRIVATE smtp::c)
if(SMTP_SANITIZE AND CMAKE_C_COMPILER_ID MATCHES "Clang")
  # libsmtp.so is C++: a C program needs the sanitizers' C++ runtime parts too.
  target_link_options(smtp_replay PRIVATE -fsanitize-link-c++-runtime)
  target_link_libraries(smtp_replay PRIVATE stdc++)
endif()

if(TARGET smtp-parse)
  add_test(NAME c_api.consumer
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/consumer_c/run.sh ${PROJECT_BINARY_DIR}
      ${CMAKE_CURRENT_BINARY_DIR}/consumer_c $<TARGET_FILE:smtp-parse> ${CMAKE_C_COMPILER}
      "${SMTP_SANITIZE}")
  set_tests_properties(c_api.consumer PROPERTIES LABELS "c_api;consumer" TIMEOUT 1200)
endif()

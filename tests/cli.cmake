# smtp-parse end-to-end tests and the install/find_package consumer check.
# Included by tests/CMakeLists.txt (which has already found GTest).

if(TARGET smtp-parse)
  add_executable(cli_test cli_test.cc ${PROJECT_SOURCE_DIR}/tools/json_writer.cc)
  target_include_directories(cli_test PRIVATE ${PROJECT_SOURCE_DIR}/tools)
  target_link_libraries(cli_test PRIVATE smtp::parser GTest::gtest_main)
  target_compile_definitions(cli_test PRIVATE
    SMTP_PARSE_PATH="$<TARGET_FILE:smtp-parse>"
    SMTP_REALWORLD_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data/realworld")
  add_dependencies(cli_test smtp-parse)
  gtest_discover_tests(cli_test DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS cli TIMEOUT 300)
endif()

# Installs this build into a scratch prefix, then configures, builds and runs
# tests/consumer against it with find_package(smtp) and smtp::parser.
add_test(NAME consumer.find_package
  COMMAND ${CMAKE_COMMAND}
    -DBUILD_DIR=${PROJECT_BINARY_DIR}
    -DCONSUMER_SOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/consumer
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumer
    -DGENERATOR=${CMAKE_GENERATOR}
    -DC_COMPILER=${CMAKE_C_COMPILER}
    -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
    -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
    -DSANITIZE=${SMTP_SANITIZE}
    -Dabsl_DIR=${absl_DIR}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.cmake)
set_tests_properties(consumer.find_package PROPERTIES LABELS consumer TIMEOUT 600)

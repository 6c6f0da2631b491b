# tests/fuzz.cmake: the fuzzing regressions and corpus replay as a GoogleTest
# (tests/regressions_test.cc). Included by tests/CMakeLists.txt with
#   include(${CMAKE_CURRENT_SOURCE_DIR}/fuzz.cmake OPTIONAL)
# The fuzz targets are compiled in with their entry points renamed, so one
# binary holds them all; the oracle is compiled in from its source.
get_filename_component(_smtp_root ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(_smtp_fuzz_dir ${_smtp_root}/fuzz)
set(_smtp_fuzz_targets command_line reply_line ehlo_reply command_stream
  command_stream_structured reply_stream policy data differential c_api session_oneway
  session_split session_dialogue)
set(_smtp_fuzz_sources)
foreach(t IN LISTS _smtp_fuzz_targets)
  list(APPEND _smtp_fuzz_sources ${_smtp_fuzz_dir}/${t}.cc)
  set_source_files_properties(${_smtp_fuzz_dir}/${t}.cc PROPERTIES COMPILE_DEFINITIONS
    "LLVMFuzzerTestOneInput=SmtpFuzz_${t};LLVMFuzzerCustomMutator=SmtpFuzzMutator_${t}")
endforeach()

add_executable(regressions_test ${CMAKE_CURRENT_LIST_DIR}/regressions_test.cc ${_smtp_fuzz_sources}
  ${_smtp_fuzz_dir}/oracle/oracle.cc ${_smtp_fuzz_dir}/oracle/session_model.cc)
target_include_directories(regressions_test PRIVATE ${_smtp_fuzz_dir})
target_link_libraries(regressions_test PRIVATE smtp::parser smtp_c_api GTest::gtest_main)
list(TRANSFORM _smtp_fuzz_targets PREPEND "X(" OUTPUT_VARIABLE _smtp_fuzz_x)
list(TRANSFORM _smtp_fuzz_x APPEND ")")
list(JOIN _smtp_fuzz_x " " _smtp_fuzz_x)
target_compile_definitions(regressions_test PRIVATE
  SMTP_CORPUS_DIR="${_smtp_root}/corpus" "SMTP_FUZZ_TARGET_LIST=${_smtp_fuzz_x}")
gtest_discover_tests(regressions_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS fuzz TIMEOUT 300)

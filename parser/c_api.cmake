# parser/c_api.cmake: the C API (include/smtp/smtp.h, src/smtp_c.cc) as
# libsmtp.so (SONAME libsmtp.so.<major>, only smtp_* symbols exported) and
# libsmtp.a, plus smtp.pc for pkg-config. Included by parser/CMakeLists.txt
# after smtp_parser is defined.
#
# Both libraries are built from one set of position-independent objects: the
# parser's own sources (read from the smtp_parser target, so a source added
# there is picked up here) compiled with hidden visibility, plus smtp_c.cc,
# whose functions alone are marked visible. No grammar is compiled twice in
# one library: this is the same code as smtp::parser, another build of it.
include(GNUInstallDirs)

# smtp.h states the version for C callers: it must be the project's.
file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/include/smtp/smtp.h _smtp_h_version
  REGEX "^#define SMTP_VERSION_(MAJOR|MINOR|PATCH) [0-9]+$")
string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCH ([0-9]+).*" "\\1.\\2.\\3"
  _smtp_h_version "${_smtp_h_version}")
if(NOT _smtp_h_version STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "smtp.h says version ${_smtp_h_version}, the project ${PROJECT_VERSION}")
endif()

get_target_property(_smtp_parser_sources smtp_parser SOURCES)
get_target_property(_smtp_parser_dir smtp_parser SOURCE_DIR)
set(_smtp_c_sources)
foreach(src IN LISTS _smtp_parser_sources)
  if(IS_ABSOLUTE "${src}")
    list(APPEND _smtp_c_sources "${src}")
  else()
    list(APPEND _smtp_c_sources "${_smtp_parser_dir}/${src}")
  endif()
endforeach()
list(APPEND _smtp_c_sources ${CMAKE_CURRENT_SOURCE_DIR}/src/smtp_c.cc)

add_library(smtp_c_objects OBJECT ${_smtp_c_sources})
set_target_properties(smtp_c_objects PROPERTIES
  POSITION_INDEPENDENT_CODE ON
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON)
target_compile_features(smtp_c_objects PUBLIC cxx_std_20)
target_include_directories(smtp_c_objects
  PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_link_libraries(smtp_c_objects PUBLIC absl::status absl::strings absl::function_ref
  absl::core_headers)

set(_smtp_version_script ${CMAKE_CURRENT_SOURCE_DIR}/smtp.map)
add_library(smtp_c_shared SHARED $<TARGET_OBJECTS:smtp_c_objects>)
add_library(smtp::c ALIAS smtp_c_shared)
set_target_properties(smtp_c_shared PROPERTIES
  OUTPUT_NAME smtp
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  LINK_DEPENDS ${_smtp_version_script})
target_include_directories(smtp_c_shared INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(smtp_c_shared PRIVATE absl::status absl::strings)
target_link_options(smtp_c_shared PRIVATE -Wl,--version-script=${_smtp_version_script})
# Every symbol resolved at link time, except in instrumented builds (SMTP_SANITIZE,
# or -fsanitize=... in CMAKE_CXX_FLAGS as the fuzz builds set it): such a
# shared library takes the sanitizer and coverage runtimes from the program.
if(NOT SMTP_SANITIZE AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  target_link_options(smtp_c_shared PRIVATE -Wl,--no-undefined)
endif()

add_library(smtp_c_static STATIC $<TARGET_OBJECTS:smtp_c_objects>)
add_library(smtp::c_static ALIAS smtp_c_static)
set_target_properties(smtp_c_static PROPERTIES OUTPUT_NAME smtp)
target_include_directories(smtp_c_static INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(smtp_c_static INTERFACE absl::status absl::strings)

install(TARGETS smtp_c_shared smtp_c_static
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  NAMELINK_COMPONENT Unspecified)

# smtp.pc, relocatable: prefix is found from the .pc file's own place, so the
# tree can be installed with `cmake --install --prefix` anywhere.
file(RELATIVE_PATH _smtp_pc_to_prefix
  "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" _smtp_pc_to_prefix "${_smtp_pc_to_prefix}")
set(SMTP_PC_PREFIX "\${pcfiledir}/${_smtp_pc_to_prefix}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/smtp.pc.in ${CMAKE_CURRENT_BINARY_DIR}/smtp.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/smtp.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The C API over smtp::parser itself, for in-tree programs that use both APIs
# side by side (tests, the c_api fuzz target): linking libsmtp.a next to
# smtp::parser would bring in a second copy of the parser. Not installed.
add_library(smtp_c_api STATIC src/smtp_c.cc)
target_link_libraries(smtp_c_api PUBLIC smtp::parser)

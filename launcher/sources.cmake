# retail-launch: a whole store from one config (docs/CONFIG.md). Elements are registered
# statically (no plugin path needed); metrics over HTTP with libsoup-3.0.
if(NOT SOUP_FOUND)
  message(WARNING "libsoup-3.0 not found: retail-launch is not built (apt install libsoup-3.0-dev)")
  return()
endif()
pkg_check_modules(GSTPBUTILS REQUIRED IMPORTED_TARGET gstreamer-pbutils-1.0)  # --check: discoverer
add_executable(retail-launch
  ${CMAKE_CURRENT_LIST_DIR}/main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/store_pipeline.cpp)
target_include_directories(retail-launch PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(retail-launch PRIVATE gstretail_obj PkgConfig::SOUP PkgConfig::GLIB
  PkgConfig::GSTPBUTILS)
# Export nothing (see retail-launch.map): the elements are linked in, and a libgstretail.so loaded
# into the same process must keep its own copy of everything.
target_link_options(retail-launch PRIVATE
  "LINKER:--version-script=${CMAKE_CURRENT_LIST_DIR}/retail-launch.map")
set_property(TARGET retail-launch APPEND PROPERTY LINK_DEPENDS
  ${CMAKE_CURRENT_LIST_DIR}/retail-launch.map)
install(TARGETS retail-launch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
# retail_build_info: the project version, and `git describe` of the source tree at configure time
# ("unknown" outside a git checkout or without git).
set(RETAIL_GIT_COMMIT "unknown")
find_program(RETAIL_GIT git)
if(RETAIL_GIT)
  execute_process(COMMAND ${RETAIL_GIT} describe --always --dirty --tags
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _retail_describe
    RESULT_VARIABLE _retail_describe_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_retail_describe_rc EQUAL 0 AND NOT _retail_describe STREQUAL "")
    set(RETAIL_GIT_COMMIT "${_retail_describe}")
  endif()
endif()
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/main.cpp APPEND PROPERTY COMPILE_DEFINITIONS
  RETAIL_VERSION="${PROJECT_VERSION}" RETAIL_GIT_COMMIT="${RETAIL_GIT_COMMIT}")

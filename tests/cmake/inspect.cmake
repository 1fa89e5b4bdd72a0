# The gst-inspect surface of every element, diffed against tests/inspect/<element>.txt.
add_test(NAME inspect_surface
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/inspect/check.sh ${RETAIL_PLUGIN_DIR}
          ${CMAKE_CURRENT_SOURCE_DIR}/inspect)
set_tests_properties(inspect_surface PROPERTIES LABELS inspect)

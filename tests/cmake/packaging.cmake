# The .deb: cpack, dpkg -x into build/packaging-test, the elements and retail-launch run from the
# unpacked tree, lintian clean (tests/packaging/check_deb.sh; docs/DEPLOY.md "Debian package").
if(TARGET retail-launch)
  add_test(NAME packaging_deb
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/packaging/check_deb.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}
            ${RETAIL_SHARED_DIR})
  # ~10-15 s alone, ~50 s beside a build on the 2-core box. RUN_SERIAL: cpack runs the build tool
  # (target preinstall) in this build folder.
  set_tests_properties(packaging_deb PROPERTIES LABELS packaging TIMEOUT 180 RUN_SERIAL TRUE)
endif()

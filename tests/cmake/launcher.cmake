# Store config (core/config) unit tests, retail-launch integration tests, RTSP test server.
retail_add_test(unit_config LABEL unit SOURCES
  unit/config_store_test.cpp
  unit/config_camera_source_test.cpp
  unit/config_element_settings_test.cpp)

# Loopback RTSP server (pre-encoded H.264, no encoder) run as a separate process by the tests.
if(GSTRTSPSERVER_FOUND AND TARGET retail-launch)
  add_executable(retail_test_rtsp_server integration/rtsp_server_main.cpp)
  target_link_libraries(retail_test_rtsp_server PRIVATE PkgConfig::GSTRTSPSERVER PkgConfig::GST)
  set_target_properties(retail_test_rtsp_server PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_library(retail_rtsp_support STATIC support/rtsp_server.cpp)
  target_link_libraries(retail_rtsp_support PUBLIC retail_test_support PkgConfig::GLIB)

  retail_add_test(integration_launcher LABEL integration
    SOURCES integration/launcher_test.cpp LIBS retail_rtsp_support TIMEOUT 240)
  add_dependencies(integration_launcher retail-launch retail_test_rtsp_server)

  # /metrics values after a short run, and the Grafana dashboard's queries against a real scrape.
  retail_add_test(integration_launcher_metrics LABEL integration
    SOURCES integration/launcher_metrics_test.cpp LIBS retail_rtsp_support PkgConfig::JSONGLIB
    TIMEOUT 180)
  target_compile_definitions(integration_launcher_metrics PRIVATE
    RETAIL_PROJECT_VERSION="${PROJECT_VERSION}")
  add_dependencies(integration_launcher_metrics retail-launch)

  # Faults: sources that can never work, --check against bad configs (ctest -L faults). One label:
  # retail_add_test passes LABEL to gtest_discover_tests, which cannot carry a list.
  retail_add_test(integration_launcher_faults LABEL faults
    SOURCES integration/launcher_faults_test.cpp LIBS retail_rtsp_support TIMEOUT 300)
  add_dependencies(integration_launcher_faults retail-launch)

  # Fault isolation: one camera's error restarts only that camera. Two labels (faults and
  # integration): gtest_discover_tests cannot carry a list property, so the tests are listed at
  # configure time (gtest_add_tests) and labelled here.
  add_executable(integration_launcher_isolation integration/launcher_isolation_test.cpp)
  target_link_libraries(integration_launcher_isolation PRIVATE retail_test_main retail_rtsp_support)
  gtest_add_tests(TARGET integration_launcher_isolation
    SOURCES integration/launcher_isolation_test.cpp TEST_LIST retail_isolation_tests)
  set_tests_properties(${retail_isolation_tests} PROPERTIES LABELS "faults;integration"
    TIMEOUT 300 ENVIRONMENT "${RETAIL_TEST_ENV}" SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  add_dependencies(integration_launcher_isolation retail-launch)
endif()

# The camera pipelines of pipelines/ (file, RTSP on loopback, four cameras).
if(TARGET retail_rtsp_support)
  retail_add_test(pipeline_cameras LABEL pipeline
    SOURCES integration/launcher_pipelines_test.cpp LIBS retail_rtsp_support TIMEOUT 180)
  add_dependencies(pipeline_cameras retail_test_rtsp_server)
endif()

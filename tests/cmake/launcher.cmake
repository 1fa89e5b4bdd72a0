# Store config (core/config) unit tests, retail-launch integration tests, RTSP test server.
retail_add_test(unit_config LABEL unit SOURCES
  unit/config_store_test.cpp
  unit/config_camera_source_test.cpp
  unit/config_element_settings_test.cpp)

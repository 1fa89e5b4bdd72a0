# zones module tests (owned by the zones engineer)
retail_add_test(unit_zones LABEL unit SOURCES
  unit/zones_config_test.cpp unit/zones_analytics_test.cpp)

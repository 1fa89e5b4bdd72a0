# zones module tests (owned by the zones engineer)
retail_add_test(unit_zones LABEL unit SOURCES
  unit/zones_config_test.cpp unit/zones_analytics_test.cpp unit/zones_gt_test.cpp)
retail_add_test(element_retailzones LABEL element SOURCES elements/retailzones_test.cpp)
retail_add_test(pipeline_zones LABEL pipeline TIMEOUT 300 SOURCES pipelines/zones_pets_test.cpp)
retail_add_test(element_retailzones_kafka LABEL element TIMEOUT 300
  SOURCES elements/retailzones_kafka_test.cpp LIBS PkgConfig::RDKAFKA)

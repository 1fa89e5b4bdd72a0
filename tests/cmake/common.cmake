retail_add_test(unit_common LABEL unit SOURCES unit/geometry_test.cpp unit/image_test.cpp unit/json_test.cpp
  unit/evidence_test.cpp unit/prometheus_test.cpp)

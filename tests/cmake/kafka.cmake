# kafkasink, the event contract and the delivery engine (issue 5).
retail_add_test(unit_schema LABEL unit SOURCES unit/schema_envelope_test.cpp)
retail_add_test(unit_delivery LABEL unit
  SOURCES unit/delivery_spool_test.cpp unit/delivery_engine_test.cpp)

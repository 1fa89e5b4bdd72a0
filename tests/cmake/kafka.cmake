# kafkasink, the event contract and the delivery engine (issue 5).
retail_add_test(unit_schema LABEL unit SOURCES unit/schema_envelope_test.cpp)
retail_add_test(unit_delivery LABEL unit
  SOURCES unit/delivery_spool_test.cpp unit/delivery_engine_test.cpp
          unit/delivery_open_tracks_test.cpp)

# The JSON Schema and its examples (ajv, installed by scripts/test.sh into tests/integration).
find_program(RETAIL_NODE node)
set(RETAIL_EVENT_SCHEMA ${CMAKE_SOURCE_DIR}/configs/schema/retail-event.v1.schema.json)
set(RETAIL_EVENT_VALIDATOR ${CMAKE_SOURCE_DIR}/tests/integration/validate-events.js)
if(RETAIL_NODE)
  add_test(NAME schema_examples_valid
    COMMAND ${RETAIL_NODE} ${RETAIL_EVENT_VALIDATOR} ${RETAIL_EVENT_SCHEMA}
            --examples ${CMAKE_SOURCE_DIR}/configs/schema/examples)
  set_tests_properties(schema_examples_valid PROPERTIES LABELS unit)
endif()

retail_add_test(element_kafkasink LABEL element SOURCES elements/kafkasink_test.cpp TIMEOUT 300)
retail_add_test(integration_kafkasink_mock LABEL integration
  SOURCES integration/kafkasink_mock_test.cpp TIMEOUT 400)
retail_add_test(integration_kafkasink_kafka09 LABEL integration
  SOURCES integration/kafkasink_kafka09_test.cpp TIMEOUT 400)
# Faults (ctest -L faults): the spool's disk fills (tmpfs), SIGKILL + restart of the sink.
retail_add_test(integration_kafkasink_faults LABEL faults
  SOURCES integration/kafkasink_faults_test.cpp TIMEOUT 400)

# Face attributes (core/attributes, retailattr): owned by the face-analytics module.
retail_add_test(unit_attributes_tracking LABEL unit SOURCES unit/attributes_tracking_test.cpp)
retail_add_test(unit_attributes_models LABEL unit SOURCES unit/attributes_models_test.cpp)
retail_add_test(element_retailattr LABEL element SOURCES elements/retailattr_test.cpp)
retail_add_test(pipeline_faces LABEL pipeline SOURCES pipelines/face_pipelines_test.cpp)
# retail-attr-eval (tools/attreval) on hand-labelled shared photos (labels in the script).
if(TARGET retail-attr-eval)
  add_test(NAME retail_attr_eval_cli COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tools/attr_eval_test.sh
           $<TARGET_FILE:retail-attr-eval> ${CMAKE_CURRENT_BINARY_DIR}/retail_attr_eval)
  set_tests_properties(retail_attr_eval_cli PROPERTIES LABELS unit)
endif()

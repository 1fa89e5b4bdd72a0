# Face attributes (core/attributes, retailattr): owned by the face-analytics module.
retail_add_test(unit_attributes_tracking LABEL unit SOURCES unit/attributes_tracking_test.cpp)
retail_add_test(unit_attributes_models LABEL unit SOURCES unit/attributes_models_test.cpp)
retail_add_test(element_retailattr LABEL element SOURCES elements/retailattr_test.cpp)
retail_add_test(pipeline_faces LABEL pipeline SOURCES pipelines/face_pipelines_test.cpp)

# Detection (core/detect + retaildetect), owned by the detect module.
retail_add_test(unit_detect LABEL unit
  SOURCES unit/detect_backends_test.cpp unit/detect_frame_test.cpp
          unit/detect_yolox_picodet_test.cpp)
retail_add_test(element_retaildetect LABEL element SOURCES elements/retaildetect_test.cpp)
retail_add_test(pipeline_detect LABEL pipeline SOURCES pipelines/detect_pipelines_test.cpp)

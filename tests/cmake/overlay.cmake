# Overlay / ads (adoverlay): core campaign + scene unit tests, element and pipeline tests.
retail_add_test(unit_campaign LABEL unit SOURCES unit/campaign_rules_test.cpp)
retail_add_test(unit_overlay LABEL unit SOURCES unit/overlay_scene_test.cpp)
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/elements/adoverlay_test.cpp)
  retail_add_test(element_adoverlay LABEL element SOURCES elements/adoverlay_test.cpp)
endif()
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/pipelines/overlay_pipeline_test.cpp)
  retail_add_test(pipeline_overlay LABEL pipeline SOURCES pipelines/overlay_pipeline_test.cpp)
endif()

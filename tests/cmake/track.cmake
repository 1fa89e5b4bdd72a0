# Tracking (retailtrack): core unit tests, element tests, pipeline tests.
retail_add_test(unit_track LABEL unit SOURCES
  unit/track_assignment_test.cpp
  unit/track_bytetrack_test.cpp
  unit/track_frame_tracker_test.cpp
  unit/track_metrics_test.cpp
  unit/track_mot_io_test.cpp
  unit/track_pets_gt_test.cpp)
foreach(f elements/retailtrack_test.cpp)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${f})
    retail_add_test(element_retailtrack LABEL element SOURCES ${f})
  endif()
endforeach()
foreach(f pipelines/track_pets_test.cpp)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${f})
    retail_add_test(pipeline_track LABEL pipeline TIMEOUT 600 SOURCES ${f})
  endif()
endforeach()

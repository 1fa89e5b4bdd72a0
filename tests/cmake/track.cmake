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

# retail-mot end to end: ground-truth detections -> `track` -> `eval`; fails unless MOTA >= 0.98.
if(TARGET retail-mot)
  set(_g "${RETAIL_SHARED_DIR}/media/people/pets09_s2l1_gt")
  set(_t "${CMAKE_CURRENT_BINARY_DIR}/retail_mot_cli")
  add_test(NAME retail_mot_cli_track_eval COMMAND sh -c
    "set -e; G=\${RETAIL_SHARED_DIR:-${RETAIL_SHARED_DIR}}/media/people/pets09_s2l1_gt; \
     [ -f $G/gt/gt.txt ] || { echo 'shared media missing: skipped'; exit 0; }; \
     mkdir -p ${_t}; \
     awk -F, '$7==1{printf \"%s,-1,%s,%s,%s,%s,1,-1,-1,-1\\n\",$1,$3,$4,$5,$6}' $G/gt/gt.txt > ${_t}/det.txt; \
     $<TARGET_FILE:retail-mot> track --det ${_t}/det.txt --seqinfo $G/seqinfo.ini --out ${_t}/res.txt; \
     $<TARGET_FILE:retail-mot> eval --gt $G/gt/gt.txt --res ${_t}/res.txt --json | tee ${_t}/m.json; \
     grep -Eq '\"MOTA\":0\\.9[89]' ${_t}/m.json; \
     ! $<TARGET_FILE:retail-mot> eval --gt ${_t}/missing.txt --res ${_t}/res.txt")
  set_tests_properties(retail_mot_cli_track_eval PROPERTIES LABELS unit)
endif()

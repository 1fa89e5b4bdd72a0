#include <gtest/gtest.h>

#include "support/test_support.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  retail::test::init_gstreamer();
  retail::test::start_leak_check();
  int rc = RUN_ALL_TESTS();
  // With GST_TRACERS=leaks (ctest sets it for the element and pipeline labels): every GstObject
  // and GstMiniObject still alive now is a leak; the test fails with the tracer's report.
  if (!retail::test::check_no_leaks() && rc == 0) rc = 1;
  gst_deinit();
  return rc;
}

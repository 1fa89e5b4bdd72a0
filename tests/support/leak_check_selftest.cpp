// Self-test of the leak check in test_main (ctest leaks_tracer_fails_a_leaking_test): this test
// leaks a buffer and an element on purpose; run under GST_TRACERS=leaks the binary must exit
// non-zero and print both in the report.
#include <gst/gst.h>
#include <gtest/gtest.h>

TEST(LeakCheckSelfTest, LeaksABufferAndAnElement) {
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, 16, nullptr);
  GstElement* element = gst_element_factory_make("identity", "leaked-on-purpose");
  ASSERT_NE(buffer, nullptr);
  ASSERT_NE(element, nullptr);
}

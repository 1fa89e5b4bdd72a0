// Helpers shared by element, pipeline and integration tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include "common/analytics.h"

namespace retail::test {

// Absolute paths inside the shared folder (RETAIL_SHARED_DIR, default ../shared).
std::string media(const std::string& relative);
std::string model(const std::string& relative);
std::string source_path(const std::string& relative);  // inside the source tree
bool shared_present();

// Registers libgstretail's elements statically (idempotent). test_main calls it.
void init_gstreamer();

// The leaks tracer (GST_TRACERS=leaks; inactive otherwise): start_leak_check() notes what is
// alive after gst_init (the registry, loaded before any test); check_no_leaks() prints every
// other GstObject/GstMiniObject still alive (type, ref count, description, and the creation stack
// with GST_LEAKS_TRACER_STACK_TRACE=1) and returns false when there is one. Plugins and plugin
// features loaded on first use live as long as the process and are not counted. test_main calls
// both, around the tests.
void start_leak_check();
bool check_no_leaks();

// Runs `description` (gst-launch syntax) to EOS. An appsink named `sink` (if present) is drained
// and each buffer's analytics handed to `on_frame` (may be null). Returns the error text
// ("" on success). `timeout_s` bounds the run.
struct RunResult {
  std::string error;       // first ERROR message text, "" if none
  std::string error_debug;
  std::vector<std::string> warnings;
  std::vector<FrameAnalyticsPtr> frames;  // analytics of every buffer reaching `sink`
  std::vector<GstStructure*> element_messages;  // owned copies, freed by ~RunResult
  ~RunResult();
};
RunResult run_pipeline(const std::string& description, int timeout_s = 120,
                       const std::function<void(GstElement* pipeline)>& on_start = nullptr);

// Decodes an image (or the first frame of a clip) and converts it to `caps`
// ("video/x-raw,format=I420" ...). Returns a buffer (owned) and fills `info`.
GstBuffer* load_frame(const std::string& path, const std::string& caps, GstVideoInfo* info);

// Reads a pipeline description from pipelines/<name>, replacing ${SHARED} and ${BUILD}.
std::string pipeline_file(const std::string& name);

}  // namespace retail::test

#define RETAIL_REQUIRE_SHARED()                                                         \
  do {                                                                                  \
    if (!::retail::test::shared_present())                                              \
      GTEST_SKIP() << "shared models/media folder not found (set RETAIL_SHARED_DIR)";   \
  } while (0)

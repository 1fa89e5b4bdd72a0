// The element boundary: C++ exceptions stop here and become GStreamer errors or warnings.
//
//   return RETAIL_GLUE_GUARD(self, GST_FLOW_ERROR, [&] { ...; return GST_FLOW_OK; });
//
// retail::Error kinds map to domains: config -> RESOURCE/SETTINGS, not-found -> RESOURCE/NOT_FOUND,
// model -> LIBRARY/INIT, frame -> STREAM/FORMAT, io -> RESOURCE/WRITE, no-space ->
// RESOURCE/NO_SPACE_LEFT, broker -> a WARNING message (never fatal), internal -> CORE/FAILED.
// cv::Exception and std::exception become STREAM/FAILED with the text in the debug detail.
#pragma once

#include <exception>

#include <gst/gst.h>

#include "common/error.h"

namespace retail::glue {

void post_error(GstElement* element, const retail::Error& e, const char* file, const char* func,
                int line);
void post_unexpected(GstElement* element, const char* what, const char* file, const char* func,
                     int line);
// Routes retail::log messages into the "retail" GStreamer debug category.
void install_core_log_sink();

template <typename R, typename F>
R guard(GstElement* element, R fail, F&& body, const char* file, const char* func, int line) {
  try {
    return body();
  } catch (const retail::Error& e) {
    post_error(element, e, file, func, line);
  } catch (const std::exception& e) {
    post_unexpected(element, e.what(), file, func, line);
  } catch (...) {
    post_unexpected(element, "unknown exception", file, func, line);
  }
  return fail;
}

}  // namespace retail::glue

#define RETAIL_GLUE_GUARD(self, fail, body) \
  ::retail::glue::guard(GST_ELEMENT(self), (fail), (body), __FILE__, GST_FUNCTION, __LINE__)

#include "support/test_support.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/paths.h"
#include "meta/retail_meta.h"
#include "plugin.h"

namespace retail::test {

std::string media(const std::string& relative) { return paths::media_dir() + "/" + relative; }
std::string model(const std::string& relative) { return paths::models_dir() + "/" + relative; }
std::string source_path(const std::string& relative) {
  return std::string(RETAIL_SOURCE_DIR) + "/" + relative;
}
bool shared_present() { return std::filesystem::is_directory(paths::models_dir()); }

void init_gstreamer() {
  static bool done = false;
  if (done) return;
  gst_init(nullptr, nullptr);
  retail_plugin_register_static();
  done = true;
}

RunResult::~RunResult() {
  for (GstStructure* s : element_messages) gst_structure_free(s);
}

RunResult run_pipeline(const std::string& description, int timeout_s,
                       const std::function<void(GstElement*)>& on_start) {
  RunResult result;
  GError* err = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &err);
  if (err != nullptr) {
    result.error = std::string("parse: ") + err->message;
    g_error_free(err);
    if (pipeline != nullptr) gst_object_unref(pipeline);
    return result;
  }
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  if (sink != nullptr) {
    GstPad* pad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(
        pad, GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo* info, gpointer data) -> GstPadProbeReturn {
          auto* frames = static_cast<std::vector<FrameAnalyticsPtr>*>(data);
          frames->push_back(retail::meta::read(GST_PAD_PROBE_INFO_BUFFER(info)));
          return GST_PAD_PROBE_OK;
        },
        &result.frames, nullptr);
    gst_object_unref(pad);
    gst_object_unref(sink);
  }
  if (on_start) on_start(pipeline);
  if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE &&
      result.error.empty()) {
    // the error message (if any) is on the bus; read it below
  }
  GstBus* bus = gst_element_get_bus(pipeline);
  const gint64 deadline = g_get_monotonic_time() + static_cast<gint64>(timeout_s) * G_USEC_PER_SEC;
  bool done = false;
  while (!done) {
    const gint64 left = deadline - g_get_monotonic_time();
    if (left <= 0) {
      result.error = "timeout after " + std::to_string(timeout_s) + " s";
      break;
    }
    GstMessage* msg = gst_bus_timed_pop(bus, static_cast<GstClockTime>(left) * 1000);
    if (msg == nullptr) continue;
    switch (GST_MESSAGE_TYPE(msg)) {
      case GST_MESSAGE_EOS: done = true; break;
      case GST_MESSAGE_ERROR: {
        GError* e = nullptr;
        gchar* dbg = nullptr;
        gst_message_parse_error(msg, &e, &dbg);
        result.error = e != nullptr ? e->message : "error";
        result.error_debug = dbg != nullptr ? dbg : "";
        g_clear_error(&e);
        g_free(dbg);
        done = true;
        break;
      }
      case GST_MESSAGE_WARNING: {
        GError* e = nullptr;
        gst_message_parse_warning(msg, &e, nullptr);
        result.warnings.emplace_back(e != nullptr ? e->message : "warning");
        g_clear_error(&e);
        break;
      }
      case GST_MESSAGE_ELEMENT: {
        const GstStructure* s = gst_message_get_structure(msg);
        if (s != nullptr) result.element_messages.push_back(gst_structure_copy(s));
        break;
      }
      default: break;
    }
    gst_message_unref(msg);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  return result;
}

GstBuffer* load_frame(const std::string& path, const std::string& caps, GstVideoInfo* info) {
  const std::string desc = "filesrc location=\"" + path +
                           "\" ! decodebin ! videoconvert ! videoscale ! " + caps +
                           " ! appsink name=out sync=false max-buffers=1 drop=false";
  GstElement* pipeline = gst_parse_launch(desc.c_str(), nullptr);
  if (pipeline == nullptr) return nullptr;
  GstElement* out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstSample* sample = nullptr;
  g_signal_emit_by_name(out, "try-pull-sample", static_cast<GstClockTime>(30 * GST_SECOND),
                        &sample);
  GstBuffer* buffer = nullptr;
  if (sample != nullptr) {
    buffer = gst_buffer_copy_deep(gst_sample_get_buffer(sample));
    gst_video_info_from_caps(info, gst_sample_get_caps(sample));
    gst_sample_unref(sample);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(out);
  gst_object_unref(pipeline);
  return buffer;
}

std::string pipeline_file(const std::string& name) {
  std::ifstream in(source_path("pipelines/" + name));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // Drop comment lines and join the rest.
  std::stringstream lines(text);
  std::string line;
  std::string out;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] == '#') continue;
    out += line + " ";
  }
  auto replace_all = [&out](const std::string& from, const std::string& to) {
    for (size_t pos = out.find(from); pos != std::string::npos; pos = out.find(from, pos + to.size()))
      out.replace(pos, from.size(), to);
  };
  replace_all("${SHARED}", paths::shared_dir());
  const char* build = std::getenv("RETAIL_BUILD_DIR");
  replace_all("${BUILD}", build != nullptr ? build : RETAIL_BINARY_DIR);
  return out;
}

}  // namespace retail::test

#include "support/test_support.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

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

namespace {

GstTracer* active_leaks_tracer() {
  GstTracer* leaks = nullptr;
  GList* tracers = gst_tracing_get_active_tracers();
  for (GList* l = tracers; l != nullptr; l = l->next)
    if (leaks == nullptr && g_str_equal(G_OBJECT_TYPE_NAME(l->data), "GstLeaksTracer"))
      leaks = GST_TRACER(gst_object_ref(l->data));
  g_list_free_full(tracers, gst_object_unref);
  return leaks;
}

// The tracer's live objects. It hands them over without taking a ref (freeing the structure
// would unref objects it does not own), so every structure is kept, reachable, until exit.
const GValue* live_objects(GstTracer* leaks) {
  static std::vector<GstStructure*> kept;
  GstStructure* info = nullptr;
  g_signal_emit_by_name(leaks, "get-live-objects", &info);
  if (info == nullptr) return nullptr;
  kept.push_back(info);
  return gst_structure_get_value(info, "live-objects-list");
}

const void* object_of(const GValue* v) {
  return G_VALUE_HOLDS_OBJECT(v) ? static_cast<const void*>(g_value_get_object(v))
                                 : static_cast<const void*>(g_value_get_boxed(v));
}

std::set<const void*>& alive_at_start() {
  static std::set<const void*> objects;
  return objects;
}

}  // namespace

void start_leak_check() {
  GstTracer* leaks = active_leaks_tracer();
  if (leaks == nullptr) return;
  const GValue* list = live_objects(leaks);
  gst_object_unref(leaks);
  for (guint i = 0; list != nullptr && i < gst_value_list_get_size(list); ++i) {
    const GstStructure* s = gst_value_get_structure(gst_value_list_get_value(list, i));
    if (const GValue* obj = gst_structure_get_value(s, "object")) alive_at_start().insert(object_of(obj));
  }
}

bool check_no_leaks() {
  GstTracer* leaks = active_leaks_tracer();
  if (leaks == nullptr) return true;
  // Threads of the tests' pipelines (task pools) drop their last refs asynchronously.
  gst_task_cleanup_all();
  const GValue* list = live_objects(leaks);
  gst_object_unref(leaks);
  // The caps of the typefinders belong to the registry too (set when their plugin is loaded).
  std::set<const void*> registry_caps;
  GList* typefinders = gst_type_find_factory_get_list();
  for (GList* l = typefinders; l != nullptr; l = l->next)
    registry_caps.insert(gst_type_find_factory_get_caps(GST_TYPE_FIND_FACTORY(l->data)));
  gst_plugin_feature_list_free(typefinders);
  std::vector<std::string> report;
  for (guint i = 0; list != nullptr && i < gst_value_list_get_size(list); ++i) {
    const GstStructure* s = gst_value_get_structure(gst_value_list_get_value(list, i));
    const GValue* obj = gst_structure_get_value(s, "object");
    if (obj == nullptr || alive_at_start().count(object_of(obj)) > 0) continue;
    // The registry (plugins and their features) lives as long as the process: a plugin loaded
    // on first use is not a leak.
    const GType type = G_VALUE_TYPE(obj);
    if (g_type_is_a(type, GST_TYPE_PLUGIN) || g_type_is_a(type, GST_TYPE_PLUGIN_FEATURE) ||
        registry_caps.count(object_of(obj)) > 0)
      continue;
    guint refs = 0;
    gst_structure_get_uint(s, "ref-count", &refs);
    gchar* desc = gst_info_strdup_printf("%" GST_PTR_FORMAT, object_of(obj));
    std::string line = std::string("  ") + G_VALUE_TYPE_NAME(obj) + " (refs " +
                       std::to_string(refs) + "): " + desc;
    g_free(desc);
    const gchar* trace = gst_structure_get_string(s, "trace");
    if (trace != nullptr && *trace != '\0') line += std::string("\n") + trace;
    report.push_back(line);
  }
  if (report.empty()) return true;
  std::fprintf(stderr,
               "LEAKS: %zu GStreamer object(s) created by the tests still alive at exit (leaks "
               "tracer; GST_LEAKS_TRACER_STACK_TRACE=1 shows where each was created):\n",
               report.size());
  for (const auto& line : report) std::fprintf(stderr, "%s\n", line.c_str());
  return false;
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

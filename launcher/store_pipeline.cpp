#include "store_pipeline.h"

#include <glib/gstdio.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "common/error.h"
#include "config/element_settings.h"
#include "meta/retail_meta.h"

namespace retail::launcher {

namespace {

using config::ElementSettings;
using config::Setting;
using config::Value;

GType element_type(const std::string& name, const std::string& file, const std::string& path) {
  GstElementFactory* f = gst_element_factory_find(name.c_str());
  if (f == nullptr)
    throw Error(ErrorKind::kConfig,
                config::config_message(file, path, "no GStreamer element named '" + name + "'",
                                       "check the spelling (gst-inspect-1.0 | grep " + name +
                                           ") or install the plugin that provides it"));
  GstPluginFeature* loaded = gst_plugin_feature_load(GST_PLUGIN_FEATURE(f));
  gst_object_unref(f);
  if (loaded == nullptr)
    throw Error(ErrorKind::kConfig,
                config::config_message(file, path, "element '" + name + "' cannot be loaded",
                                       "reinstall the plugin that provides it"));
  const GType t = gst_element_factory_get_element_type(GST_ELEMENT_FACTORY(loaded));
  gst_object_unref(loaded);
  return t;
}

std::string replace_camera(std::string s, const std::string& camera_id) {
  for (size_t pos = s.find("{camera}"); pos != std::string::npos; pos = s.find("{camera}", pos))
    s.replace(pos, 8, camera_id);
  return s;
}

ElementSettings for_camera(ElementSettings es, const std::string& camera_id) {
  for (auto& s : es.settings)
    if (s.value.kind == Value::Kind::kString) {
      s.value.text = replace_camera(s.value.text, camera_id);
      if (!s.value.display.empty()) s.value.display = replace_camera(s.value.display, camera_id);
    }
  return es;
}

GstPadProbeReturn end_of_chain(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* stats = static_cast<BranchStats*>(data);
  FrameAnalyticsPtr fa = meta::read(GST_PAD_PROBE_INFO_BUFFER(info));
  stats->frames++;
  if (fa) {
    stats->events += fa->events.size();
    if (fa->source.capture_time_us > 0) {
      const int64_t lat = g_get_real_time() - fa->source.capture_time_us;
      stats->latency_sum_us += lat;
      stats->latency_count++;
      stats->latency_buckets[prometheus::latency_bucket(lat)]++;
      stats->latency_total_us += lat;
      int64_t prev = stats->latency_max_us.load();
      while (lat > prev && !stats->latency_max_us.compare_exchange_weak(prev, lat)) {
      }
    }
  }
  return GST_PAD_PROBE_OK;
}

// Events that stages emit at EOS (e.g. retailtrack's track_ended for tracks still open) travel in
// a "retail-final-events" event instead of on a frame: count them too.
GstPadProbeReturn end_of_chain_events(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* stats = static_cast<BranchStats*>(data);
  if (FrameAnalyticsPtr fa = meta::parse_final_events(GST_PAD_PROBE_INFO_EVENT(info)))
    stats->events += fa->events.size();
  return GST_PAD_PROBE_OK;
}

// Printed as written where ${NAME} was substituted: no environment value (secret) is printed.
std::string quote(const Value& v) {
  if (v.kind != Value::Kind::kString && v.kind != Value::Kind::kJson) return v.text;
  std::string out = "\"";
  for (char ch : v.printable()) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

}  // namespace

void validate_elements(const config::StoreConfig& c) {
  const GType camsrc = element_type("retailcamsrc", c.file, "$.cameras");
  std::set<std::string> managed = {"uri", "store-id", "camera-id"};
  for (const auto& cam : c.cameras) {
    config::validate_settings(cam.source, camsrc, c.file);
    for (const auto& s : cam.source.settings)
      if (managed.count(s.key) != 0)
        throw Error(
            ErrorKind::kConfig,
            config::config_message(c.file, s.json_path, "'" + s.key + "' is set by retail-launch",
                                   "use the camera's \"id\"/\"uri\" and \"store_id\""));
  }
  for (size_t i = 0; i < c.stages.size(); ++i) {
    const auto& st = c.stages[i];
    const GType t = element_type(st.element, c.file, st.json_path + ".element");
    config::validate_settings(st, t, c.file);
    for (const auto& cam : c.cameras)
      for (const auto& ov : cam.overrides)
        if (ov.element == st.element) config::validate_settings(ov, t, c.file);
  }
  if (c.kafka) {
    const GType t = element_type("kafkasink", c.file, "$.kafka");
    config::validate_settings(*c.kafka, t, c.file);
    const Setting* loc = c.kafka->find("location");
    const Setting* brokers = c.kafka->find("brokers");
    const bool file_mode = brokers == nullptr || brokers->value.text.empty();
    if (file_mode && loc != nullptr && c.cameras.size() > 1 &&
        loc->value.text.find("{camera}") == std::string::npos)
      throw Error(
          ErrorKind::kConfig,
          config::config_message(c.file, loc->json_path, "every camera would write the same file",
                                 "put {camera} in the location, e.g. "
                                 "\"events-{camera}.jsonl\""));
    // Two cameras on one spool (or one JSON-lines file) would fight over its lock at start.
    for (const char* key : {"spool-dir", "location"}) {
      const Setting* st = c.kafka->find(key);
      if (st == nullptr || c.cameras.size() < 2) continue;
      std::set<std::string> seen;
      for (const auto& cam : c.cameras)
        if (!seen.insert(replace_camera(st->value.text, cam.id)).second)
          throw Error(ErrorKind::kConfig,
                      config::config_message(
                          c.file, st->json_path,
                          std::string("two cameras would share the ") + key + " '" +
                              replace_camera(st->value.text, cam.id) + "'",
                          std::string("put {camera} in it, e.g. \"") +
                              (std::string(key) == "location" ? "events-{camera}.jsonl"
                                                              : "/var/spool/gst-retail/{camera}") +
                              "\""));
    }
    if (file_mode && loc == nullptr)
      throw Error(ErrorKind::kConfig,
                  config::config_message(c.file, "$.kafka", "neither brokers nor location is set",
                                         "set \"brokers\": \"host:9092\" or \"location\": "
                                         "\"events-{camera}.jsonl\""));
  }
  if (c.output.kind == config::OutputKind::kFile) {
    const char* needed[] = {"videoconvert", "x264enc", "h264parse", "mp4mux", "filesink"};
    for (const char* n : needed) element_type(n, c.file, "$.output");
    if (c.cameras.size() > 1 && c.output.path.find("{camera}") == std::string::npos)
      throw Error(
          ErrorKind::kConfig,
          config::config_message(c.file, "$.output.path", "every camera would write the same file",
                                 "put {camera} in the path, e.g. \"out/{camera}.mp4\""));
  }
}

StorePipeline::StorePipeline(const config::StoreConfig& config) : config_(config) {
  if (!config.campaigns_json.empty()) {
    gchar* path = nullptr;
    GError* err = nullptr;
    const gint fd = g_file_open_tmp("retail-campaigns-XXXXXX.json", &path, &err);
    if (fd < 0) {
      const std::string m = err != nullptr ? err->message : "?";
      g_clear_error(&err);
      throw Error(ErrorKind::kIo, "cannot write the campaigns for adoverlay: " + m +
                                      ". Fix: make $TMPDIR writable");
    }
    close(fd);
    campaigns_tmp_ = path;
    g_free(path);
    std::ofstream(campaigns_tmp_) << config.campaigns_json;
  }
  // Element names are "<camera>-<role>": the JSON path of the block each one is built from.
  for (const auto& cam : config.cameras) {
    const std::string p = cam.id + "-";
    paths_[p + "camsrc"] = cam.json_path + ".uri";
    for (const auto& st : config::stages_for(config, cam)) paths_[p + st.element] = st.json_path;
    if (config.kafka) paths_[p + "kafkasink"] = config.kafka->json_path;
    if (config.output.kind == config::OutputKind::kFile) paths_[p + "file"] = "$.output.path";
  }
}

StorePipeline::~StorePipeline() {
  if (!campaigns_tmp_.empty()) g_remove(campaigns_tmp_.c_str());
}

CameraPipeline::~CameraPipeline() {
  if (pipeline != nullptr) {
    gst_element_set_state(pipeline, GST_STATE_NULL);  // no-op when already NULL (the usual case)
    gst_object_unref(pipeline);
  }
}

std::string StorePipeline::json_path_of(const GstObject* element) const {
  // The message may come from a child of one of ours (e.g. the decoder inside retailcamsrc).
  for (GstObject* o = GST_OBJECT(gst_object_ref(const_cast<GstObject*>(element))); o != nullptr;) {
    const gchar* name = GST_OBJECT_NAME(o);
    auto it = name != nullptr ? paths_.find(name) : paths_.end();
    if (it != paths_.end()) {
      gst_object_unref(o);
      return it->second;
    }
    GstObject* parent = gst_object_get_parent(o);
    gst_object_unref(o);
    o = parent;
  }
  return "";
}

namespace {

struct Builder {
  GstElement* bin;
  GstElement* make(const char* factory, const std::string& name) {
    GstElement* e = gst_element_factory_make(factory, name.c_str());
    if (e == nullptr)
      throw Error(ErrorKind::kNotFound, std::string("GStreamer element '") + factory +
                                            "' is not installed. Fix: install the package that "
                                            "provides it (scripts/deps.txt)");
    gst_bin_add(GST_BIN(bin), e);
    return e;
  }
};

}  // namespace

std::unique_ptr<CameraPipeline> StorePipeline::build(size_t index, BranchStats* stats) const {
  const config::StoreConfig& c = config_;
  const config::Camera& cam = c.cameras.at(index);
  auto out = std::make_unique<CameraPipeline>();
  out->pipeline = gst_pipeline_new((c.store_id + "-" + cam.id).c_str());
  gst_object_ref_sink(out->pipeline);
  Builder bld{out->pipeline};
  const std::string p = cam.id + "-";
  out->camsrc = bld.make("retailcamsrc", p + "camsrc");
  g_object_set(out->camsrc, "uri", cam.uri.c_str(), "store-id", c.store_id.c_str(), "camera-id",
               cam.id.c_str(), "max-fps", cam.fps_limit, nullptr);
  config::apply_settings(G_OBJECT(out->camsrc), cam.source, c.file);
  GstElement* prev = out->camsrc;
  auto link = [&](GstElement* next) {
    if (!gst_element_link(prev, next))
      throw Error(ErrorKind::kConfig,
                  "camera '" + cam.id + "': cannot link " + GST_ELEMENT_NAME(prev) + " to " +
                      GST_ELEMENT_NAME(next) +
                      ". Fix: check the stage order and caps (gst-inspect-1.0 " +
                      GST_ELEMENT_NAME(next) + ")");
    prev = next;
  };
  for (const auto& st : config::stages_for(c, cam)) {
    GstElement* e = bld.make(st.element.c_str(), p + st.element);
    config::apply_settings(G_OBJECT(e), for_camera(st, cam.id), c.file);
    if (st.element == "retaildetect" && cam.roi && st.find("roi") == nullptr) {
      const std::string roi = std::to_string(cam.roi->x) + "," + std::to_string(cam.roi->y) + "," +
                              std::to_string(cam.roi->w) + "," + std::to_string(cam.roi->h);
      g_object_set(e, "roi", roi.c_str(), nullptr);
    }
    if (st.element == "adoverlay" && st.find("campaigns-file") == nullptr) {
      const std::string f = !c.campaigns_file.empty() ? c.campaigns_file : campaigns_tmp_;
      if (!f.empty()) g_object_set(e, "campaigns-file", f.c_str(), nullptr);
    }
    link(e);
  }
  // End of the analytics chain: per-camera frames, events and end-to-end latency.
  GstPad* end = gst_element_get_static_pad(prev, "src");
  gst_pad_add_probe(end, GST_PAD_PROBE_TYPE_BUFFER, end_of_chain, stats, nullptr);
  gst_pad_add_probe(end, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, end_of_chain_events, stats, nullptr);
  gst_object_unref(end);

  const bool has_output = c.output.kind != config::OutputKind::kNone;
  if (c.kafka && has_output) link(bld.make("tee", p + "tee"));
  GstElement* fork = prev;
  if (c.kafka) {
    prev = fork;
    if (has_output) link(bld.make("queue", p + "kafka-queue"));
    out->kafkasink = bld.make("kafkasink", p + "kafkasink");
    // Ids also name the default spool folder (one per camera).
    // async=false: a camera that never sends a frame must not hold its pipeline out of PLAYING
    // (an async sink waits for its first buffer to preroll).
    g_object_set(out->kafkasink, "store-id", c.store_id.c_str(), "camera-id", cam.id.c_str(),
                 "sync", FALSE, "async", FALSE, nullptr);
    config::apply_settings(G_OBJECT(out->kafkasink), for_camera(*c.kafka, cam.id), c.file);
    link(out->kafkasink);
  }
  prev = fork;
  if (has_output) {
    GstElement* q = bld.make("queue", p + "out-queue");
    gst_util_set_object_arg(G_OBJECT(q), "leaky", "downstream");
    g_object_set(q, "max-size-buffers", 5U, "max-size-bytes", 0U, "max-size-time",
                 static_cast<guint64>(0), nullptr);
    link(q);
    link(bld.make("videoconvert", p + "convert"));
    if (c.output.kind == config::OutputKind::kDisplay) {
      GstElement* sink = bld.make("autovideosink", p + "display");
      g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
      link(sink);
    } else {
      GstElement* enc = bld.make("x264enc", p + "x264enc");
      gst_util_set_object_arg(G_OBJECT(enc), "speed-preset", "ultrafast");
      gst_util_set_object_arg(G_OBJECT(enc), "tune", "zerolatency");
      link(enc);
      link(bld.make("h264parse", p + "h264parse"));
      link(bld.make("mp4mux", p + "mp4mux"));
      GstElement* fs = bld.make("filesink", p + "file");
      g_object_set(fs, "location", replace_camera(c.output.path, cam.id).c_str(), "sync", FALSE,
                   "async", FALSE, nullptr);
      link(fs);
    }
  } else if (!c.kafka) {
    GstElement* sink = bld.make("fakesink", p + "fakesink");
    g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
    link(sink);
  }
  return out;
}

std::string StorePipeline::launch_line(const config::StoreConfig& c, const config::Camera& cam) {
  std::string line = "retailcamsrc uri=\"" + (cam.uri_display.empty() ? cam.uri : cam.uri_display) +
                     "\" store-id=" + c.store_id + " camera-id=" + cam.id;
  if (cam.fps_limit > 0) line += " max-fps=" + std::to_string(cam.fps_limit);
  for (const auto& s : cam.source.settings) line += " " + s.key + "=" + quote(s.value);
  for (const auto& st : config::stages_for(c, cam)) {
    line += " ! " + st.element;
    for (const auto& s : for_camera(st, cam.id).settings)
      line += " " + s.key + "=" + quote(s.value);
    if (st.element == "retaildetect" && cam.roi && st.find("roi") == nullptr)
      line += " roi=\"" + std::to_string(cam.roi->x) + "," + std::to_string(cam.roi->y) + "," +
              std::to_string(cam.roi->w) + "," + std::to_string(cam.roi->h) + "\"";
  }
  const bool out = c.output.kind != config::OutputKind::kNone;
  if (c.kafka) {
    if (out) line += " ! tee name=t ! queue";
    line += " ! kafkasink";
    for (const auto& s : for_camera(*c.kafka, cam.id).settings)
      line += " " + s.key + "=" + quote(s.value);
    if (out) line += " t.";
  }
  if (c.output.kind == config::OutputKind::kDisplay)
    line += " ! queue leaky=downstream ! videoconvert ! autovideosink sync=false";
  else if (c.output.kind == config::OutputKind::kFile)
    line +=
        " ! queue leaky=downstream ! videoconvert ! x264enc speed-preset=ultrafast "
        "tune=zerolatency ! h264parse ! mp4mux ! filesink location=\"" +
        replace_camera(c.output.path, cam.id) + "\"";
  else if (!c.kafka)
    line += " ! fakesink sync=false";
  return line;
}

}  // namespace retail::launcher

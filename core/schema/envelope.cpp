#include "schema/envelope.h"

#include <glib.h>

#include <ctime>
#include <map>

#include "common/error.h"
#include "common/json.h"

namespace retail::schema {

std::string iso8601_utc_ms(int64_t unix_us) {
  const int64_t ms_total = unix_us >= 0 ? unix_us / 1000 : (unix_us - 999) / 1000;
  time_t secs = static_cast<time_t>(ms_total >= 0 ? ms_total / 1000 : (ms_total - 999) / 1000);
  const int ms = static_cast<int>(ms_total - static_cast<int64_t>(secs) * 1000);
  struct tm tm_utc {};
  gmtime_r(&secs, &tm_utc);
  char buf[40];
  const size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm_utc);
  snprintf(buf + n, sizeof buf - n, ".%03dZ", ms);
  return buf;
}

std::string new_uuid() {
  gchar* s = g_uuid_string_random();
  std::string out(s);
  g_free(s);
  return out;
}

json::NodePtr parse_payload(const std::string& type, const std::string& payload_json) {
  json::NodePtr payload;
  try {
    payload = json::parse(payload_json, "payload of a '" + type + "' event");
  } catch (const Error& e) {
    throw Error(ErrorKind::kFrame, std::string(e.what()) + ": fix the element producing it");
  }
  if (!JSON_NODE_HOLDS_OBJECT(payload.get()))
    throw Error(
        ErrorKind::kFrame,
        "the payload of a '" + type + "' event is not a JSON object: fix the element producing it");
  return payload;
}

std::string envelope_json(const EnvelopeFields& f, const std::string& payload_json) {
  return envelope_json(f, parse_payload(f.type, payload_json));
}

std::string envelope_json(const EnvelopeFields& f, json::NodePtr payload) {
  // Built directly with JsonBuilder so the already-parsed payload node is spliced in as is.
  JsonBuilder* b = json_builder_new();
  json_builder_begin_object(b);
  auto str = [b](const char* k, const std::string& v) {
    json_builder_set_member_name(b, k);
    json_builder_add_string_value(b, v.c_str());
  };
  auto num = [b](const char* k, uint64_t v) {
    json_builder_set_member_name(b, k);
    json_builder_add_int_value(b, static_cast<gint64>(v));
  };
  str("schema", kSchemaName);
  str("schema_version", kSchemaVersion);
  str("event_id", f.event_id);
  num("seq", f.seq);
  str("store_id", f.store_id);
  str("camera_id", f.camera_id);
  str("pipeline_run_id", f.pipeline_run_id);
  num("frame_index", f.frame_index);
  str("capture_ts", iso8601_utc_ms(f.capture_us));
  str("ingest_ts", iso8601_utc_ms(f.ingest_us));
  str("type", f.type);
  json_builder_set_member_name(b, "payload");
  json_builder_add_value(b, payload.release());  // the builder takes ownership
  json_builder_end_object(b);
  JsonNode* root = json_builder_get_root(b);
  std::string out = json::to_string(root);
  json_node_unref(root);
  g_object_unref(b);
  return out;
}

namespace {
const char* liveness_label(const FrameAnalytics& frame, uint64_t object_id) {
  const Attribute* a = frame.attribute(object_id, "liveness");
  return a != nullptr ? a->label.c_str() : nullptr;
}
}  // namespace

std::string frame_summary_payload(const FrameAnalytics& frame, uint64_t frames_in_window,
                                  int64_t window_ms) {
  uint64_t people = 0, faces = 0, live_faces = 0;
  for (const auto& o : frame.objects) {
    if (o.cls == ObjectClass::kPerson) ++people;
    if (o.cls == ObjectClass::kFace) {
      ++faces;
      const char* l = liveness_label(frame, o.id);
      if (l != nullptr && std::string(l) == "live") ++live_faces;
    }
  }
  // name -> label -> count (std::map: stable, sorted output)
  std::map<std::string, std::map<std::string, int64_t>> histograms;
  for (const auto& a : frame.attributes) ++histograms[a.name][a.label];
  json::Writer w;
  w.field("people", people).field("faces", faces).field("live_faces", live_faces);
  w.field("frames", frames_in_window).field("window_ms", static_cast<int64_t>(window_ms));
  w.key("attributes").begin_object();
  for (const auto& [name, labels] : histograms) {
    w.key(name.c_str()).begin_object();
    for (const auto& [label, count] : labels) w.field(label.c_str(), count);
    w.end_object();
  }
  w.end_object();
  return w.str();
}

std::string detections_payload(const FrameAnalytics& frame) {
  json::Writer w;
  w.field("width", frame.source.width).field("height", frame.source.height);
  w.field("detector_ran", frame.detector_ran);
  w.key("objects").begin_array();
  for (const auto& o : frame.objects) {
    w.begin_object();
    w.field("id", o.id).field("class", to_string(o.cls));
    w.field("confidence", static_cast<double>(o.confidence));
    w.key("box").begin_object();
    w.field("x", static_cast<double>(o.box.x)).field("y", static_cast<double>(o.box.y));
    w.field("w", static_cast<double>(o.box.w)).field("h", static_cast<double>(o.box.h));
    w.end_object();
    w.field("track_id", o.track_id).field("parent_id", o.parent_id);
    w.field("predicted", o.predicted);
    // Landmarks stay on the box (privacy): never serialized.
    w.key("attributes").begin_object();
    for (const Attribute* a : frame.attributes_of(o.id)) {
      w.key(a->name.c_str()).begin_object();
      w.field("label", a->label).field("confidence", static_cast<double>(a->confidence));
      w.field("value", a->value);
      w.end_object();
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  return w.str();
}

std::string expand_key(const std::string& key_template, const std::string& store_id,
                       const std::string& camera_id) {
  std::string out = key_template;
  auto replace_all = [&out](const std::string& from, const std::string& to) {
    for (size_t pos = out.find(from); pos != std::string::npos;
         pos = out.find(from, pos + to.size()))
      out.replace(pos, from.size(), to);
  };
  replace_all("{store_id}", store_id);
  replace_all("{camera_id}", camera_id);
  return out;
}

}  // namespace retail::schema

// The event envelope and the payloads kafkasink builds itself (core/schema).
#include <gtest/gtest.h>

#include <set>

#include "common/error.h"
#include "common/json.h"
#include "schema/envelope.h"
#include "schema/event_builder.h"

namespace {

using retail::FrameAnalytics;
using retail::schema::EventBuilder;

JsonObject* obj(const retail::json::NodePtr& n) { return json_node_get_object(n.get()); }

FrameAnalytics sample_frame() {
  FrameAnalytics f;
  f.source.store_id = "s-meta";
  f.source.camera_id = "c-meta";
  f.source.frame_index = 42;
  f.source.capture_time_us = 1764089941123456;  // 2025-11-25T16:59:01.123Z
  f.source.width = 640;
  f.source.height = 360;
  retail::Object person;
  person.id = 1;
  person.cls = retail::ObjectClass::kPerson;
  person.confidence = 0.9F;
  person.box = {0.1F, 0.2F, 0.3F, 0.6F};
  person.track_id = 7;
  retail::Object face;
  face.id = 2;
  face.cls = retail::ObjectClass::kFace;
  face.confidence = 0.8F;
  face.box = {0.15F, 0.22F, 0.05F, 0.08F};
  face.parent_id = 1;
  face.track_id = 9;
  face.landmarks = {{0.16F, 0.24F}, {0.18F, 0.24F}};
  f.objects = {person, face};
  f.set_attribute({2, "liveness", "live", 0.97F, 0.0});
  f.set_attribute({2, "age_band", "25-34", 0.7F, 29.5});
  f.events.push_back(
      {"track_started",
       R"({"track_id":7,"class":"person","box":{"x":0.1,"y":0.2,"w":0.3,"h":0.6}})"});
  return f;
}

TEST(SchemaEnvelope, Iso8601IsUtcWithMilliseconds) {
  EXPECT_EQ(retail::schema::iso8601_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(retail::schema::iso8601_utc_ms(1764089941123456), "2025-11-25T16:59:01.123Z");
  EXPECT_EQ(retail::schema::iso8601_utc_ms(999), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(retail::schema::iso8601_utc_ms(1999000), "1970-01-01T00:00:01.999Z");
}

TEST(SchemaEnvelope, UuidsAreRandomV4) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = retail::schema::new_uuid();
    ASSERT_EQ(u.size(), 36U);
    EXPECT_EQ(u[14], '4');
    ids.insert(u);
  }
  EXPECT_EQ(ids.size(), 1000U);
}

TEST(SchemaEnvelope, BuilderWrapsEventsWithEveryEnvelopeField) {
  uint64_t next = 5;
  EventBuilder b({"store-1", "cam-1"}, "run-abc",
                 [&](const std::string&, const std::string&) { return next++; });
  const auto msgs = b.build(sample_frame(), 1764089942000000);
  ASSERT_EQ(msgs.size(), 1U);  // summary and detections are off by default
  const auto& m = msgs[0];
  EXPECT_EQ(m.key, "store-1/cam-1");
  EXPECT_EQ(m.seq, 5U);
  auto n = retail::json::parse(m.value, "event");
  JsonObject* o = obj(n);
  EXPECT_STREQ(json_object_get_string_member(o, "schema"), "retail-event");
  EXPECT_STREQ(json_object_get_string_member(o, "schema_version"), retail::schema::kSchemaVersion);
  EXPECT_EQ(json_object_get_string_member(o, "event_id"), m.event_id);
  EXPECT_EQ(json_object_get_int_member(o, "seq"), 5);
  EXPECT_STREQ(json_object_get_string_member(o, "store_id"), "store-1");
  EXPECT_STREQ(json_object_get_string_member(o, "camera_id"), "cam-1");
  EXPECT_STREQ(json_object_get_string_member(o, "pipeline_run_id"), "run-abc");
  EXPECT_EQ(json_object_get_int_member(o, "frame_index"), 42);
  EXPECT_STREQ(json_object_get_string_member(o, "capture_ts"), "2025-11-25T16:59:01.123Z");
  EXPECT_STREQ(json_object_get_string_member(o, "ingest_ts"), "2025-11-25T16:59:02.000Z");
  EXPECT_STREQ(json_object_get_string_member(o, "type"), "track_started");
  JsonObject* p = json_object_get_object_member(o, "payload");
  EXPECT_EQ(json_object_get_int_member(p, "track_id"), 7);
  EXPECT_STREQ(json_object_get_string_member(p, "class"), "person");
}

TEST(SchemaEnvelope, IdsComeFromTheFrameWhenNotConfiguredAndKeyTemplateApplies) {
  retail::schema::Config c;
  c.key_template = "k:{camera_id}@{store_id}";
  EventBuilder b(c, "run", [](const std::string&, const std::string&) { return uint64_t{0}; });
  const auto msgs = b.build(sample_frame(), 1);
  ASSERT_EQ(msgs.size(), 1U);
  EXPECT_EQ(msgs[0].store_id, "s-meta");
  EXPECT_EQ(msgs[0].camera_id, "c-meta");
  EXPECT_EQ(msgs[0].key, "k:c-meta@s-meta");
}

TEST(SchemaEnvelope, SeqIsGapFreePerCameraAndSkipsMalformedPayloads) {
  std::map<std::string, uint64_t> seqs;
  EventBuilder b({}, "run",
                 [&](const std::string& s, const std::string& c) { return seqs[s + "/" + c]++; });
  FrameAnalytics f = sample_frame();
  f.events.push_back({"dwell", "[1,2]"});    // not an object
  f.events.push_back({"dwell", "{broken"});  // not JSON
  f.events.push_back({"occupancy", R"({"count":3,"in":5,"out":2})"});
  std::vector<std::string> rejected;
  auto a = b.build(f, 1, &rejected);
  EXPECT_EQ(rejected.size(), 2U);
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(a[0].seq, 0U);
  EXPECT_EQ(a[1].seq, 1U);  // no gap left by the rejected events
  f.source.camera_id = "other";
  auto c = b.build(f, 1, &rejected);
  EXPECT_EQ(c[0].seq, 0U);
  EXPECT_THROW(b.build(f, 1, nullptr), retail::Error);
}

TEST(SchemaEnvelope, FrameSummaryIsRateLimitedAndCountsLiveFaces) {
  retail::schema::Config c;
  c.frame_summary_interval_ms = 1000;
  uint64_t seq = 0;
  EventBuilder b(c, "run", [&](const std::string&, const std::string&) { return seq++; });
  FrameAnalytics f = sample_frame();
  f.events.clear();
  int summaries = 0;
  std::string last;
  for (int i = 0; i < 75; ++i) {  // 3 s at 25 fps
    f.source.capture_time_us = 1764089941000000 + i * 40000;
    for (const auto& m : b.build(f, 0)) {
      EXPECT_EQ(m.type, "frame_summary");
      ++summaries;
      last = m.value;
    }
  }
  EXPECT_EQ(summaries, 3);  // t = 0, 1 s, 2 s
  auto n = retail::json::parse(last, "summary");
  JsonObject* p = json_object_get_object_member(obj(n), "payload");
  EXPECT_EQ(json_object_get_int_member(p, "people"), 1);
  EXPECT_EQ(json_object_get_int_member(p, "faces"), 1);
  EXPECT_EQ(json_object_get_int_member(p, "live_faces"), 1);
  EXPECT_EQ(json_object_get_int_member(p, "frames"), 25);
  EXPECT_EQ(json_object_get_int_member(p, "window_ms"), 1000);
  JsonObject* hist =
      json_object_get_object_member(json_object_get_object_member(p, "attributes"), "age_band");
  EXPECT_EQ(json_object_get_int_member(hist, "25-34"), 1);
}

TEST(SchemaEnvelope, DetectionsCarryObjectsButNeverLandmarks) {
  retail::schema::Config c;
  c.detections = true;
  EventBuilder b(c, "run", [](const std::string&, const std::string&) { return uint64_t{0}; });
  FrameAnalytics f = sample_frame();
  f.events.clear();
  const auto msgs = b.build(f, 0);
  ASSERT_EQ(msgs.size(), 1U);
  EXPECT_EQ(msgs[0].type, "detections");
  EXPECT_EQ(msgs[0].value.find("landmark"), std::string::npos);
  auto n = retail::json::parse(msgs[0].value, "detections");
  JsonObject* p = json_object_get_object_member(obj(n), "payload");
  JsonArray* objs = json_object_get_array_member(p, "objects");
  ASSERT_EQ(json_array_get_length(objs), 2U);
  JsonObject* face = json_array_get_object_element(objs, 1);
  EXPECT_STREQ(json_object_get_string_member(face, "class"), "face");
  EXPECT_EQ(json_object_get_int_member(face, "track_id"), 9);
  EXPECT_EQ(json_object_get_int_member(face, "parent_id"), 1);
  EXPECT_NEAR(json_object_get_double_member(json_object_get_object_member(face, "box"), "w"), 0.05,
              1e-6);
  JsonObject* attrs = json_object_get_object_member(face, "attributes");
  EXPECT_STREQ(
      json_object_get_string_member(json_object_get_object_member(attrs, "liveness"), "label"),
      "live");
}

}  // namespace

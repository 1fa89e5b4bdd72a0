// kafkasink as an element: properties, caps, metadata in -> events out (JSON-lines mode, no
// broker needed), bad input, state cycles. Broker runs are in tests/integration.
#include <gst/check/gstharness.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "common/json.h"
#include "delivery/event_sink.h"
#include "delivery/spool.h"
#include "integration/kafka_support.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"

namespace {

using namespace retail::test;
using namespace retail::test::kafka;

std::string image_pipeline(const std::string& sink_props, int frames) {
  return "filesrc location=\"" + media("photos/messi5.jpg") +
         "\" ! jpegdec ! videoconvert ! videoscale ! video/x-raw,format=I420,width=160,height=120 "
         "! "
         "imagefreeze num-buffers=" +
         std::to_string(frames) + " ! kafkasink name=ks " + sink_props;
}

TEST(KafkaSinkElement, PropertiesRoundTripAndDefaultsComeFromCore) {
  GstElement* e = gst_element_factory_make("kafkasink", nullptr);
  ASSERT_NE(e, nullptr);
  gchar* topic = nullptr;
  gchar* key = nullptr;
  guint64 max_bytes = 0;
  guint flush = 0, summary = 1;
  gboolean det = TRUE, sync = TRUE;
  g_object_get(e, "topic", &topic, "key", &key, "spool-max-bytes", &max_bytes, "flush-timeout-ms",
               &flush, "frame-summary-interval-ms", &summary, "detections", &det, "sync", &sync,
               nullptr);
  const retail::delivery::SinkOptions d;
  EXPECT_STREQ(topic, d.delivery.topic.c_str());
  EXPECT_STREQ(key, "{store_id}/{camera_id}");
  EXPECT_EQ(max_bytes, d.delivery.spool_max_bytes);
  EXPECT_EQ(flush, d.delivery.flush_timeout_ms);
  EXPECT_EQ(summary, 0U);  // off by default
  EXPECT_FALSE(det);       // off by default
  EXPECT_FALSE(sync);      // never paced by the clock
  g_free(topic);
  g_free(key);

  g_object_set(e, "brokers", "127.0.0.1:9092", "topic", "t2", "store-id", "s", "camera-id", "c",
               "key", "{camera_id}", "kafka-config", "acks=1", "spool-dir", "/tmp/x",
               "spool-max-bytes", G_GUINT64_CONSTANT(1048576), "flush-timeout-ms", 1234U,
               "frame-summary-interval-ms", 1000U, "detections", TRUE, "location", "/tmp/e.jsonl",
               nullptr);
  gst_util_set_object_arg(G_OBJECT(e), "on-spool-full", "block");
  for (const char* p : {"brokers", "topic", "store-id", "camera-id", "key", "kafka-config",
                        "spool-dir", "location"}) {
    gchar* v = nullptr;
    g_object_get(e, p, &v, nullptr);
    EXPECT_NE(v, nullptr) << p;
    EXPECT_STRNE(v, "") << p;
    g_free(v);
  }
  g_object_get(e, "spool-max-bytes", &max_bytes, "flush-timeout-ms", &flush,
               "frame-summary-interval-ms", &summary, "detections", &det, nullptr);
  EXPECT_EQ(max_bytes, 1048576U);
  EXPECT_EQ(flush, 1234U);
  EXPECT_EQ(summary, 1000U);
  EXPECT_TRUE(det);
  gint policy = -1;
  g_object_get(e, "on-spool-full", &policy, nullptr);
  EXPECT_EQ(policy, static_cast<gint>(retail::delivery::SpoolFullPolicy::kBlock));

  // Invalid values are refused and leave the property unchanged.
  gst_util_set_object_arg(G_OBJECT(e), "on-spool-full", "drop-random");
  g_object_get(e, "on-spool-full", &policy, nullptr);
  EXPECT_EQ(policy, static_cast<gint>(retail::delivery::SpoolFullPolicy::kBlock));
  GParamSpec* ps = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "spool-max-bytes");
  GValue v = G_VALUE_INIT;
  g_value_init(&v, G_TYPE_UINT64);
  g_value_set_uint64(&v, 10);                   // below the 64 KiB minimum
  EXPECT_TRUE(g_param_value_validate(ps, &v));  // GLib clamps/refuses it
  g_value_unset(&v);
  // Counters are read-only.
  ps = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "delivered");
  ASSERT_NE(ps, nullptr);
  EXPECT_FALSE(ps->flags & G_PARAM_WRITABLE);
  gchar* state = nullptr;
  g_object_get(e, "broker-state", &state, nullptr);
  EXPECT_STREQ(state, "unknown");
  g_free(state);
  gst_object_unref(e);
}

// A harness around a configured kafkasink (async off: the harness expects a synchronous start).
GstHarness* harness(const std::string& dir, const std::function<void(GstElement*)>& configure) {
  GstElement* e = gst_element_factory_make("kafkasink", nullptr);
  g_object_set(e, "async", FALSE, "location", (dir + "/e.jsonl").c_str(), "spool-dir",
               (dir + "/spool").c_str(), nullptr);
  if (configure) configure(e);
  GstHarness* h = gst_harness_new_with_element(e, "sink", nullptr);
  gst_object_unref(e);
  return h;
}

TEST(KafkaSinkElement, CapsAcceptAnyRawVideo) {
  TempDir d;
  GstHarness* h = harness(d.path, nullptr);
  for (const char* caps : {"video/x-raw,format=I420,width=64,height=48,framerate=25/1",
                           "video/x-raw,format=NV12,width=64,height=48,framerate=25/1"}) {
    GstCaps* c = gst_caps_from_string(caps);
    GstPad* pad = gst_element_get_static_pad(h->element, "sink");
    EXPECT_TRUE(gst_pad_query_accept_caps(pad, c)) << caps;
    gst_object_unref(pad);
    gst_caps_unref(c);
  }
  GstCaps* audio = gst_caps_from_string("audio/x-raw,format=S16LE,rate=8000,channels=1");
  GstPad* pad = gst_element_get_static_pad(h->element, "sink");
  EXPECT_FALSE(gst_pad_query_accept_caps(pad, audio));
  gst_object_unref(pad);
  gst_caps_unref(audio);
  gst_harness_teardown(h);
}

// A real image through the harness: the frame's events come out enveloped, valid against the
// schema, with the properties' ids; detections carry objects but never landmarks.
TEST(KafkaSinkElement, MetadataOfARealFrameBecomesValidEvents) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  const std::string out = d.path + "/events.jsonl";
  GstVideoInfo info;
  GstBuffer* frame = load_frame(media("photos/messi5.jpg"), "video/x-raw,format=I420", &info);
  ASSERT_NE(frame, nullptr);
  GstHarness* h = harness(d.path, [&](GstElement* e) {
    g_object_set(e, "location", out.c_str(), "store-id", "store-9", "camera-id", "door",
                 "detections", TRUE, "frame-summary-interval-ms", 1000U, nullptr);
  });
  GstCaps* caps = gst_video_info_to_caps(&info);
  gst_harness_set_src_caps(h, caps);
  Injector inj;
  inj.events_per_frame = 5;
  const int frames = 3;
  for (int i = 0; i < frames; ++i) {
    GstBuffer* b = gst_buffer_copy(frame);
    GstPadProbeInfo pi{};
    pi.type = GST_PAD_PROBE_TYPE_BUFFER;
    pi.data = b;
    Injector::probe(nullptr, &pi, &inj);
    GST_BUFFER_PTS(static_cast<GstBuffer*>(pi.data)) = i * 40 * GST_MSECOND;
    ASSERT_EQ(gst_harness_push(h, static_cast<GstBuffer*>(pi.data)), GST_FLOW_OK);
  }
  GstBuffer* plain = gst_buffer_copy(frame);  // no analytics: nothing is sent
  ASSERT_EQ(gst_harness_push(h, plain), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  guint64 delivered = 0;
  g_object_get(h->element, "delivered", &delivered, nullptr);
  gst_harness_teardown(h);
  gst_buffer_unref(frame);

  const auto lines = read_lines(out);
  // 5 events per frame + 1 frame_summary (first frame; the window is 1 s) + 1 detections/frame
  ASSERT_EQ(lines.size(), static_cast<size_t>(frames * 5 + 1 + frames));
  EXPECT_EQ(delivered, lines.size());
  EXPECT_EQ(validate_jsonl(out), "");
  std::map<std::string, int> types;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Event e = parse_event("", lines[i]);
    EXPECT_EQ(e.camera, "store-9/door");
    EXPECT_EQ(e.seq, i);
    auto n = retail::json::parse(lines[i], "line");
    JsonObject* o = json_node_get_object(n.get());
    ++types[json_object_get_string_member(o, "type")];
    EXPECT_EQ(lines[i].find("landmark"), std::string::npos);
  }
  EXPECT_EQ(types["detections"], frames);
  EXPECT_EQ(types["frame_summary"], 1);
  EXPECT_EQ(types["track_started"], 3);
}

struct BadCase {
  const char* props;
  const char* expect;  // in the error message
};

TEST(KafkaSinkElement, BadConfigurationFailsStartNamingTheProblem) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  std::ofstream(d.path + "/file") << "x";
  const std::string spool = " spool-dir=" + d.path + "/spool";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"brokers=127.0.0.1:9 kafka-config=\"acks=all;garbage\"" + spool, "garbage"},
      {"brokers=127.0.0.1:9 kafka-config=\"no.such.setting=1\"" + spool, "no.such.setting"},
      {"brokers=127.0.0.1:9 kafka-config=" + d.path + "/missing.conf" + spool, "missing.conf"},
      {"brokers=127.0.0.1:9 spool-dir=" + d.path + "/file/spool", "spool-dir"},
      {"brokers=127.0.0.1:9 topic=\"\"" + spool, "topic"},
      {spool, "location"},
      {"location=" + d.path + "/file/e.jsonl" + spool, "location"},
  };
  for (const auto& [props, expect] : cases) {
    auto r = run_pipeline(image_pipeline(props, 2), 60);
    EXPECT_NE(r.error.find(expect), std::string::npos) << props << " -> '" << r.error << "'";
  }
}

TEST(KafkaSinkElement, UnreachableBrokerIsAWarningAndEventsAreSpooled) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  const std::string spool = d.path + "/spool";
  Injector inj;
  auto r =
      run_pipeline(image_pipeline("brokers=127.0.0.1:9 flush-timeout-ms=300 spool-dir=" + spool, 5),
                   60, [&](GstElement* p) { inj.attach(p, "ks"); });
  EXPECT_EQ(r.error, "");
  ASSERT_GE(r.warnings.size(), 2U);
  EXPECT_NE(r.warnings[0].find("127.0.0.1:9"), std::string::npos) << r.warnings[0];
  bool spool_warning = false;
  for (const auto& w : r.warnings)
    spool_warning |= w.find("stay in the spool") != std::string::npos;
  EXPECT_TRUE(spool_warning);
  // Everything is still on disk for the next run.
  retail::delivery::Spool s(spool, 1 << 20);
  EXPECT_EQ(s.live_records(), inj.events.load());
}

TEST(KafkaSinkElement, TwoCyclesContinueTheSequenceAcrossRuns) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  const std::string out = d.path + "/e.jsonl";
  const std::string props =
      "location=" + out + " spool-dir=" + d.path + "/spool camera-id=c1 store-id=s1";
  GstElement* p = gst_parse_launch(image_pipeline(props, 10).c_str(), nullptr);
  ASSERT_NE(p, nullptr);
  Injector inj;
  inj.attach(p, "ks");
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    GstBus* bus = gst_element_get_bus(p);
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus, 30 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS);
    gst_message_unref(m);
    gst_object_unref(bus);
    ASSERT_EQ(gst_element_set_state(p, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref(p);
  const auto lines = read_lines(out);
  ASSERT_EQ(lines.size(), inj.events.load());
  ASSERT_EQ(lines.size(), 80U);
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(parse_event("", lines[i]).seq, i);
  // Two runs, two pipeline_run_ids.
  std::set<std::string> runs;
  for (const auto& l : lines) {
    auto n = retail::json::parse(l, "line");
    runs.insert(json_object_get_string_member(json_node_get_object(n.get()), "pipeline_run_id"));
  }
  EXPECT_EQ(runs.size(), 2U);
}

TEST(KafkaSinkElement, MalformedUpstreamEventIsReportedNotSentAndStatsArePosted) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  const std::string out = d.path + "/e.jsonl";
  Injector inj;
  inj.malformed_every_10th = true;
  auto r = run_pipeline(image_pipeline("location=" + out + " spool-dir=" + d.path + "/spool", 20),
                        60, [&](GstElement* p) { inj.attach(p, "ks"); });
  EXPECT_EQ(r.error, "");
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("not sent"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(read_lines(out).size(), inj.events.load());  // the 2 malformed ones are not there
  EXPECT_EQ(validate_jsonl(out), "");
  bool stats = false;
  for (GstStructure* s : r.element_messages) stats |= gst_structure_has_name(s, "kafkasink-stats");
  EXPECT_TRUE(stats);
}

}  // namespace

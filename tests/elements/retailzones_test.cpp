// retailzones element: properties, caps, metadata in/out on a real PETS frame with ground-truth
// people, bad geometry, warnings, and two NULL->PLAYING->NULL cycles.
#include <gst/check/gstharness.h>
#include <gtest/gtest.h>

#include <map>

#include "common/json.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"
#include "track/mot_io.h"
#include "zones/zone_analytics.h"

namespace {

constexpr const char* kClip = "people/pets09_s2l1_768x576.avi";
constexpr const char* kGt = "people/pets09_s2l1_gt/gt/gt.txt";
constexpr int64_t kFrameNs = 100000000;  // the clip is 10 fps (its caps)

std::string pets_zones() { return retail::test::source_path("tests/data/pets_zones.json"); }

// Ground-truth people of the first `frames` frames as FrameAnalytics (tracked, normalized).
std::vector<retail::FrameAnalytics> gt_frames(int frames) {
  std::map<int, retail::FrameAnalytics> by_frame;
  for (const auto& r : retail::track::read_mot(retail::test::media(kGt))) {
    if (r.frame > frames) continue;
    auto& fa = by_frame[r.frame];
    retail::Object o;
    o.id = fa.objects.size() + 1;
    o.track_id = static_cast<uint64_t>(r.id);
    o.confidence = 1.F;
    o.box = retail::clamp01({r.x / 768.F, r.y / 576.F, r.w / 768.F, r.h / 576.F});
    fa.objects.push_back(o);
  }
  std::vector<retail::FrameAnalytics> out(static_cast<size_t>(frames));
  for (auto& [f, fa] : by_frame) out[static_cast<size_t>(f - 1)] = std::move(fa);
  for (int i = 0; i < frames; ++i) {
    out[static_cast<size_t>(i)].source.frame_index = static_cast<uint64_t>(i);
  }
  return out;
}

std::string events_text(const std::vector<retail::Event>& events) {
  std::string s;
  for (const auto& e : events) s += e.type + " " + e.payload_json + "\n";
  return s;
}

// A harness around a retailzones configured before it starts.
GstHarness* harness_with(const std::string& prop, const std::string& value) {
  GstElement* e = gst_element_factory_make("retailzones", nullptr);
  g_object_set(e, prop.c_str(), value.c_str(), nullptr);
  GstHarness* h = gst_harness_new_with_element(e, "sink", "src");
  gst_object_unref(e);
  return h;
}

}  // namespace

TEST(RetailZones, PropertiesRoundTrip) {
  GstElement* e = gst_element_factory_make("retailzones", nullptr);
  ASSERT_NE(e, nullptr);
  gchar* zones = nullptr;
  gchar* json = nullptr;
  g_object_get(e, "zones", &zones, "zones-json", &json, nullptr);
  EXPECT_STREQ(zones, retail::zones::Config{}.zones_file.c_str());
  EXPECT_STREQ(json, retail::zones::Config{}.zones_json.c_str());
  g_free(zones);
  g_free(json);
  g_object_set(e, "zones", "/tmp/a.json", "zones-json", R"({"heatmap": {}})", nullptr);
  g_object_get(e, "zones", &zones, "zones-json", &json, nullptr);
  EXPECT_STREQ(zones, "/tmp/a.json");
  EXPECT_STREQ(json, R"({"heatmap": {}})");
  g_free(zones);
  g_free(json);
  g_object_set(e, "zones", nullptr, nullptr);  // NULL clears
  g_object_get(e, "zones", &zones, nullptr);
  EXPECT_STREQ(zones, "");
  g_free(zones);
  guint64 frames = 1;
  g_object_get(e, "frames", &frames, nullptr);
  EXPECT_EQ(frames, 0U);
  GParamSpec* ps = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "zones");
  EXPECT_TRUE(ps->flags & GST_PARAM_MUTABLE_READY);
  ps = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "events");
  EXPECT_FALSE(ps->flags & G_PARAM_WRITABLE);
  gst_object_unref(e);
}

TEST(RetailZones, CapsAreRawVideoOnly) {
  GstHarness* h = harness_with("zones-json", R"({"heatmap": {}})");
  GstCaps* ok = gst_caps_from_string("video/x-raw,format=NV12,width=320,height=240,framerate=10/1");
  GstCaps* audio = gst_caps_from_string("audio/x-raw,format=S16LE,rate=8000,channels=1");
  GstCaps* rgb16 = gst_caps_from_string("video/x-raw,format=RGB16,width=320,height=240");
  GstPad* sink = gst_element_get_static_pad(h->element, "sink");
  EXPECT_TRUE(gst_pad_query_accept_caps(sink, ok));
  EXPECT_FALSE(gst_pad_query_accept_caps(sink, audio));
  EXPECT_FALSE(gst_pad_query_accept_caps(sink, rgb16));
  gst_object_unref(sink);
  gst_caps_unref(ok);
  gst_caps_unref(audio);
  gst_caps_unref(rgb16);
  gst_harness_teardown(h);
}

// Real frame, ground-truth people walking for 300 frames: the element adds exactly the events
// the core analytics compute for the same tracks, and the regions with their counts.
TEST(RetailZones, EventsAndRegionsOnRealFrames) {
  RETAIL_REQUIRE_SHARED();
  GstVideoInfo info;
  GstBuffer* frame =
      retail::test::load_frame(retail::test::media(kClip), "video/x-raw,format=I420", &info);
  ASSERT_NE(frame, nullptr);
  const int n = 300;
  auto frames = gt_frames(n);

  retail::zones::ZoneAnalytics core(retail::zones::load_geometry_file(pets_zones()));
  std::vector<retail::Event> expected;
  for (int i = 0; i < n; ++i) {
    auto ev = core.update_frame(frames[static_cast<size_t>(i)], i * kFrameNs);
    expected.insert(expected.end(), ev.begin(), ev.end());
  }
  ASSERT_GT(expected.size(), 10U);

  GstHarness* h = harness_with("zones", pets_zones());
  GstCaps* caps = gst_video_info_to_caps(&info);
  gst_harness_set_src_caps(h, caps);
  std::vector<retail::Event> got;
  size_t crossings = 0;
  retail::FrameAnalyticsPtr last;
  for (int i = 0; i < n; ++i) {
    GstBuffer* in = gst_buffer_copy(frame);
    GST_BUFFER_PTS(in) = static_cast<GstClockTime>(i * kFrameNs);
    retail::meta::write(in, frames[static_cast<size_t>(i)]);
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    ASSERT_NE(out, nullptr);
    last = retail::meta::read(out);
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last->objects.size(), frames[static_cast<size_t>(i)].objects.size());
    got.insert(got.end(), last->events.begin(), last->events.end());
    for (const auto& e : last->events) crossings += e.type == "line_crossed";
    gst_buffer_unref(out);
  }
  EXPECT_EQ(events_text(got), events_text(expected));
  EXPECT_GT(crossings, 0U);
  // Regions: the walkway line with its totals, the two zones with their occupancy.
  ASSERT_EQ(last->regions.size(), 3U);
  EXPECT_EQ(last->regions[0].id, "walkway");
  EXPECT_EQ(last->regions[0].kind, "line");
  EXPECT_EQ(last->regions[0].points.size(), 2U);
  EXPECT_EQ(last->regions[0].count_in, core.line_in(0));
  EXPECT_EQ(last->regions[0].count_out, core.line_out(0));
  EXPECT_EQ(last->regions[0].count_in + last->regions[0].count_out,
            static_cast<int64_t>(crossings));
  EXPECT_EQ(last->regions[1].kind, "zone");
  EXPECT_EQ(last->regions[1].occupancy, core.zone_occupancy(0));
  EXPECT_EQ(last->regions[2].kind, "queue");
  guint64 events = 0;
  g_object_get(h->element, "events", &events, nullptr);
  EXPECT_EQ(events, got.size());
  gst_caps_unref(caps);
  gst_buffer_unref(frame);
  gst_harness_teardown(h);
}

TEST(RetailZones, FramesWithoutAnalyticsGetRegions) {
  GstHarness* h = harness_with("zones", pets_zones());
  gst_harness_set_src_caps_str(h, "video/x-raw,format=GRAY8,width=64,height=48,framerate=10/1");
  GstBuffer* out = gst_harness_push_and_pull(h, gst_harness_create_buffer(h, 64 * 48));
  ASSERT_NE(out, nullptr);
  auto fa = retail::meta::read(out);
  ASSERT_NE(fa, nullptr);
  EXPECT_TRUE(fa->events.empty());
  EXPECT_EQ(fa->regions.size(), 3U);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

TEST(RetailZones, BadGeometryIsAClearError) {
  struct Case {
    std::string prop, value, expect;
  };
  const std::vector<Case> cases{
      {"zones-json",
       R"({"zones": [{"id": "z", "points": [[0.1, 0.1], [0.3, 0.3], [0.3, 0.1], [0.1, 0.3]]}]})",
       "zones[0].points"},
      {"zones-json", R"({"lines": [{"id": "l", "points": [[0.1, 0.1]], "in": "up"}]})",
       "lines[0].points"},
      {"zones-json", R"({"zones": [{"id": "z", "type": "aisle", "points": [[0.1, 0.1], [0.3, 0.1],
        [0.3, 0.3]]}]})",
       "zones[0].type"},
      {"zones-json", "{not json", "zones-json"},
      {"zones", "/nonexistent/zones.json", "/nonexistent/zones.json"},
      {"zones", "", "zones=<file.json>"},
  };
  for (const auto& c : cases) {
    auto r = retail::test::run_pipeline(
        "videotestsrc num-buffers=3 ! video/x-raw,format=I420,width=64,height=48 ! "
        "retailzones name=z ! fakesink",
        30, [&](GstElement* p) {
          GstElement* z = gst_bin_get_by_name(GST_BIN(p), "z");
          g_object_set(z, c.prop.c_str(), c.value.c_str(), nullptr);
          gst_object_unref(z);
        });
    EXPECT_NE(r.error.find(c.expect), std::string::npos)
        << c.prop << "=" << c.value << " -> '" << r.error << "'";
  }
}

TEST(RetailZones, UnwritableHeatmapIsAWarning) {
  auto r = retail::test::run_pipeline(
      "videotestsrc num-buffers=12 ! video/x-raw,format=I420,width=64,height=48,framerate=10/1 ! "
      "retailzones name=z ! fakesink name=sink",
      30, [](GstElement* p) {
        GstElement* z = gst_bin_get_by_name(GST_BIN(p), "z");
        g_object_set(z, "zones-json",
                     R"({"heatmap": {"interval_ms": 500, "png": "/nonexistent-dir/h.png"}})",
                     nullptr);
        gst_object_unref(z);
      });
  EXPECT_EQ(r.error, "");
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("/nonexistent-dir/h.png"), std::string::npos);
  size_t heatmaps = 0;
  for (const auto& f : r.frames) {
    for (const auto& e : f->events) heatmaps += e.type == "heatmap";
  }
  EXPECT_EQ(heatmaps, 2U);  // windows ending at 0.5 s and 1.0 s of 1.2 s
}

TEST(RetailZones, TwoPlayCycles) {
  GstElement* p = gst_parse_launch(
      "videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=64,height=48 ! "
      "retailzones name=z ! fakesink",
      nullptr);
  ASSERT_NE(p, nullptr);
  GstElement* z = gst_bin_get_by_name(GST_BIN(p), "z");
  g_object_set(z, "zones", pets_zones().c_str(), nullptr);
  GstBus* bus = gst_element_get_bus(p);
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus, 20 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS) << "cycle " << cycle;
    gst_message_unref(m);
    ASSERT_NE(gst_element_set_state(p, GST_STATE_NULL), GST_STATE_CHANGE_FAILURE);
    guint64 frames = 0;
    g_object_get(z, "frames", &frames, nullptr);
    EXPECT_EQ(frames, 5U) << "cycle " << cycle;
  }
  gst_object_unref(bus);
  gst_object_unref(z);
  gst_object_unref(p);
}

TEST(RetailZones, StatsMessageAtEos) {
  auto r = retail::test::run_pipeline(
      "videotestsrc num-buffers=4 ! video/x-raw,format=I420,width=64,height=48 ! "
      "retailzones zones-json=\"{\\\"heatmap\\\": {}}\" ! fakesink");
  EXPECT_EQ(r.error, "");
  bool seen = false;
  for (GstStructure* s : r.element_messages) {
    if (gst_structure_has_name(s, "retailzones-stats")) {
      guint64 frames = 0;
      gst_structure_get_uint64(s, "frames", &frames);
      EXPECT_EQ(frames, 4U);
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

// retailtrack element: properties, caps, track ids and events on real frames with PETS09
// ground-truth boxes, predicted boxes on skipped frames, the real retaildetect ! retailtrack
// chain, bad configuration, state cycles.
#include <gst/check/gstharness.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/json.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"
#include "track/byte_tracker.h"
#include "track/frame_tracker.h"
#include "track/mot_io.h"

namespace {

using retail::FrameAnalytics;
using retail::ObjectClass;
using retail::test::load_frame;
using retail::test::media;

constexpr int kW = 768, kH = 576;
const char* kCaps = "video/x-raw,format=I420,width=768,height=576,framerate=10/1";

// PETS09-S2L1 ground truth (conf = 1 rows) by MOT frame.
std::map<int, std::vector<retail::track::MotRow>> pets_gt() {
  std::map<int, std::vector<retail::track::MotRow>> by_frame;
  for (const auto& r : retail::track::read_mot(media("people/pets09_s2l1_gt/gt/gt.txt"))) {
    if (r.conf == 1.F) by_frame[r.frame].push_back(r);
  }
  return by_frame;
}

// A copy of `frame` carrying the ground-truth people of MOT frame `f` as detections; the object
// id of each is 100 + its gt id so the test can map objects back to identities.
GstBuffer* with_gt(GstBuffer* frame, const std::vector<retail::track::MotRow>& rows, int f,
                   bool detector_ran = true) {
  GstBuffer* b = gst_buffer_copy(frame);
  FrameAnalytics fa;
  fa.detector_ran = detector_ran;
  fa.source.frame_index = static_cast<uint64_t>(f - 1);
  if (detector_ran) {
    for (const auto& r : rows) {
      retail::Object o;
      o.id = 100 + static_cast<uint64_t>(r.id);
      o.cls = ObjectClass::kPerson;
      o.confidence = 0.9F;
      o.box = {r.x / kW, r.y / kH, r.w / kW, r.h / kH};
      fa.objects.push_back(o);
    }
  }
  GST_BUFFER_PTS(b) = static_cast<GstClockTime>(f - 1) * GST_SECOND / 10;
  retail::meta::write(b, std::move(fa));
  return b;
}

int64_t payload_int(const std::string& json, const char* member) {
  auto node = retail::json::parse(json, "payload");
  return json_object_get_int_member(json_node_get_object(node.get()), member);
}

}  // namespace

TEST(RetailTrack, DefaultsComeFromCoreConfig) {
  GstElement* e = gst_element_factory_make("retailtrack", nullptr);
  ASSERT_NE(e, nullptr);
  const retail::track::Config d;
  gfloat high = 0, low = 0, fresh = 0, match = 0, area = 0, aspect = 0;
  gboolean fuse = FALSE;
  guint buffer = 0;
  g_object_get(e, "high-threshold", &high, "low-threshold", &low, "new-track-threshold", &fresh,
               "match-iou-distance", &match, "fuse-score", &fuse, "track-buffer-frames", &buffer,
               "min-box-area-px", &area, "max-aspect-ratio", &aspect, nullptr);
  EXPECT_FLOAT_EQ(high, d.high_threshold);
  EXPECT_FLOAT_EQ(low, d.low_threshold);
  EXPECT_FLOAT_EQ(fresh, d.new_track_threshold);
  EXPECT_FLOAT_EQ(match, d.match_iou_distance);
  EXPECT_EQ(fuse != FALSE, d.fuse_score);
  EXPECT_EQ(static_cast<int>(buffer), d.track_buffer_frames);
  EXPECT_FLOAT_EQ(area, d.min_box_area_px);
  EXPECT_FLOAT_EQ(aspect, d.max_aspect_ratio);
  // ByteTrack's MOT17 evaluation settings (tools/track.py), best IDF1 on PETS09-S2L1.
  EXPECT_FLOAT_EQ(high, 0.6F);
  EXPECT_FLOAT_EQ(low, 0.1F);
  EXPECT_FLOAT_EQ(fresh, 0.7F);
  EXPECT_FLOAT_EQ(match, 0.9F);
  EXPECT_EQ(buffer, 30U);
  gst_object_unref(e);
}

TEST(RetailTrack, PropertiesRoundTripAndOutOfRangeValuesAreRejected) {
  GstElement* e = gst_element_factory_make("retailtrack", nullptr);
  ASSERT_NE(e, nullptr);
  g_object_set(e, "high-threshold", 0.4F, "low-threshold", 0.2F, "new-track-threshold", 0.7F,
               "match-iou-distance", 0.6F, "fuse-score", FALSE, "track-buffer-frames", 60U,
               "min-box-area-px", 50.F, "max-aspect-ratio", 0.F, nullptr);
  gfloat high = 0, low = 0, fresh = 0, match = 0, area = 0, aspect = 1;
  gboolean fuse = TRUE;
  guint buffer = 0;
  g_object_get(e, "high-threshold", &high, "low-threshold", &low, "new-track-threshold", &fresh,
               "match-iou-distance", &match, "fuse-score", &fuse, "track-buffer-frames", &buffer,
               "min-box-area-px", &area, "max-aspect-ratio", &aspect, nullptr);
  EXPECT_FLOAT_EQ(high, 0.4F);
  EXPECT_FLOAT_EQ(low, 0.2F);
  EXPECT_FLOAT_EQ(fresh, 0.7F);
  EXPECT_FLOAT_EQ(match, 0.6F);
  EXPECT_FALSE(fuse);
  EXPECT_EQ(buffer, 60U);
  EXPECT_FLOAT_EQ(area, 50.F);
  EXPECT_FLOAT_EQ(aspect, 0.F);

  const GLogLevelFlags old = g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_FATAL_MASK));
  guint warnings = 0;
  const guint handler = g_log_set_handler(
      "GLib-GObject", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL),
      [](const gchar*, GLogLevelFlags, const gchar*, gpointer n) { ++*static_cast<guint*>(n); },
      &warnings);
  g_object_set(e, "high-threshold", 1.5F, nullptr);
  g_object_set(e, "low-threshold", -0.1F, nullptr);
  g_object_set(e, "match-iou-distance", 2.F, nullptr);
  g_object_set(e, "max-aspect-ratio", -1.F, nullptr);
  g_log_remove_handler("GLib-GObject", handler);
  g_log_set_always_fatal(old);
  EXPECT_EQ(warnings, 4U);
  g_object_get(e, "high-threshold", &high, "low-threshold", &low, "match-iou-distance", &match,
               "max-aspect-ratio", &aspect, nullptr);
  EXPECT_FLOAT_EQ(high, 0.4F);
  EXPECT_FLOAT_EQ(low, 0.2F);
  EXPECT_FLOAT_EQ(match, 0.6F);
  EXPECT_FLOAT_EQ(aspect, 0.F);
  gst_object_unref(e);
}

TEST(RetailTrack, CapsAcceptRawVideoAndRefuseOthers) {
  GstElementFactory* f = gst_element_factory_find("retailtrack");
  ASSERT_NE(f, nullptr);
  GstCaps* sink = nullptr;
  for (const GList* l = gst_element_factory_get_static_pad_templates(f); l; l = l->next) {
    auto* t = static_cast<GstStaticPadTemplate*>(l->data);
    if (t->direction == GST_PAD_SINK) sink = gst_static_pad_template_get_caps(t);
  }
  ASSERT_NE(sink, nullptr);
  for (const char* fmt : {"I420", "NV12", "BGR", "BGRx", "GRAY8"}) {
    GstCaps* c = gst_caps_from_string(
        (std::string("video/x-raw,format=") + fmt + ",width=64,height=64,framerate=1/1").c_str());
    EXPECT_TRUE(gst_caps_can_intersect(c, sink)) << fmt;
    gst_caps_unref(c);
  }
  GstCaps* audio = gst_caps_from_string("audio/x-raw,format=S16LE");
  EXPECT_FALSE(gst_caps_can_intersect(audio, sink));
  gst_caps_unref(audio);
  gst_caps_unref(sink);
  gst_object_unref(f);
}

// 120 real frames' worth of PETS ground-truth people through the element: every person gets an
// id, each identity keeps its id, and track_started / track_ended come exactly once per track.
TEST(RetailTrack, IdsAndEventsOnPetsGroundTruth) {
  RETAIL_REQUIRE_SHARED();
  GstVideoInfo info;
  GstBuffer* frame =
      load_frame(media("people/pets09_s2l1_768x576.avi"), "video/x-raw,format=I420", &info);
  ASSERT_NE(frame, nullptr);
  const auto gt = pets_gt();
  GstHarness* h = gst_harness_new("retailtrack");
  gst_harness_set_src_caps_str(h, kCaps);
  std::map<uint64_t, std::set<uint64_t>> tracks_of_identity;
  std::map<uint64_t, int> started, ended;
  size_t objects = 0, tracked = 0;
  for (int f = 1; f <= 120; ++f) {
    const auto it = gt.find(f);
    GstBuffer* out = gst_harness_push_and_pull(
        h, with_gt(frame, it == gt.end() ? std::vector<retail::track::MotRow>{} : it->second, f));
    ASSERT_NE(out, nullptr);
    const auto fa = retail::meta::read(out);
    ASSERT_NE(fa, nullptr);
    for (const auto& o : fa->objects) {
      ++objects;
      EXPECT_FALSE(o.predicted);
      if (o.track_id == 0) continue;
      ++tracked;
      tracks_of_identity[o.id].insert(o.track_id);
    }
    for (const auto& t : fa->tracks) {
      if (t.state == retail::TrackState::kLost) {
        EXPECT_EQ(t.object_id, 0U);
      } else {
        ASSERT_NE(fa->find_object(t.object_id), nullptr);
        EXPECT_EQ(fa->find_object(t.object_id)->track_id, t.track_id);
      }
      EXPECT_LE(t.first_seen_ns, t.last_seen_ns);
    }
    for (const auto& e : fa->events) {
      const uint64_t id = static_cast<uint64_t>(payload_int(e.payload_json, "track_id"));
      if (e.type == "track_started") ++started[id];
      if (e.type == "track_ended") {
        ++ended[id];
        EXPECT_GT(payload_int(e.payload_json, "frames"), 0);
        EXPECT_GE(payload_int(e.payload_json, "duration_ms"), 0);
      }
    }
    gst_buffer_unref(out);
  }
  // Almost every gt box is tracked (new tracks need a second frame after the first).
  EXPECT_GE(tracked, objects * 95 / 100);
  size_t switched = 0;
  std::set<uint64_t> all_tracks;
  for (const auto& [identity, ids] : tracks_of_identity) {
    switched += ids.size() - 1;
    all_tracks.insert(ids.begin(), ids.end());
  }
  EXPECT_LE(switched, 1U);
  EXPECT_GE(tracks_of_identity.size(), 6U);
  for (uint64_t id : all_tracks) EXPECT_EQ(started[id], 1) << "track " << id;
  EXPECT_EQ(started.size(), all_tracks.size());
  for (const auto& [id, n] : ended) {
    EXPECT_EQ(n, 1) << "track " << id;
    EXPECT_EQ(started.count(id), 1U) << "ended without start " << id;
  }
  guint64 n_started = 0;
  g_object_get(h->element, "tracks-started", &n_started, nullptr);
  EXPECT_EQ(n_started, all_tracks.size());
  gst_harness_teardown(h);
  gst_buffer_unref(frame);
}

TEST(RetailTrack, SkippedFramesCarryPredictedBoxes) {
  RETAIL_REQUIRE_SHARED();
  GstVideoInfo info;
  GstBuffer* frame =
      load_frame(media("people/pets09_s2l1_768x576.avi"), "video/x-raw,format=I420", &info);
  ASSERT_NE(frame, nullptr);
  const auto gt = pets_gt();
  GstHarness* h = gst_harness_new("retailtrack");
  gst_harness_set_src_caps_str(h, kCaps);
  std::set<uint64_t> tracked_on_last_detection;
  int predicted_boxes = 0, near_truth = 0, skipped = 0;
  for (int f = 1; f <= 80; ++f) {
    const bool ran = f % 2 == 1;  // like retaildetect interval=2
    GstBuffer* out = gst_harness_push_and_pull(h, with_gt(frame, gt.at(f), f, ran));
    ASSERT_NE(out, nullptr);
    const auto fa = retail::meta::read(out);
    ASSERT_NE(fa, nullptr);
    std::set<uint64_t> ids;
    for (const auto& o : fa->objects) {
      EXPECT_EQ(o.predicted, !ran);
      if (o.track_id != 0) ids.insert(o.track_id);
      if (ran) continue;
      ++predicted_boxes;
      float best = 0.F;
      for (const auto& r : gt.at(f)) {
        best = std::max(best, retail::iou(o.box, {r.x / kW, r.y / kH, r.w / kW, r.h / kH}));
      }
      near_truth += best > 0.5F ? 1 : 0;
    }
    if (ran) {
      tracked_on_last_detection = ids;
    } else {
      ++skipped;
      // Every track published on the last detection frame is carried, with its id.
      EXPECT_EQ(ids, tracked_on_last_detection) << "frame " << f;
      for (const auto& t : fa->tracks) {
        if (t.state != retail::TrackState::kLost) {
          ASSERT_NE(fa->find_object(t.object_id), nullptr);
          EXPECT_TRUE(fa->find_object(t.object_id)->predicted);
        }
      }
    }
    gst_buffer_unref(out);
  }
  EXPECT_EQ(skipped, 40);
  EXPECT_GT(predicted_boxes, 40 * 3);
  EXPECT_GE(near_truth, predicted_boxes * 9 / 10);  // predicted where the person really is
  gst_harness_teardown(h);
  gst_buffer_unref(frame);
}

// The real chain on a real frame: Yolo-Fastest people get ids that hold from push to push.
TEST(RetailTrack, RealDetectorChainKeepsIds) {
  RETAIL_REQUIRE_SHARED();
  GstVideoInfo info;
  GstBuffer* frame =
      load_frame(media("people/pets09_s2l1_768x576.avi"), "video/x-raw,format=I420", &info);
  ASSERT_NE(frame, nullptr);
  GstHarness* h = gst_harness_new_parse("retaildetect face-backend=none ! retailtrack");
  gst_harness_set_src_caps_str(h, kCaps);
  std::set<uint64_t> first_ids;
  for (int i = 0; i < 5; ++i) {
    GstBuffer* in = gst_buffer_copy(frame);
    GST_BUFFER_PTS(in) = static_cast<GstClockTime>(i) * GST_SECOND / 10;
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    ASSERT_NE(out, nullptr);
    const auto fa = retail::meta::read(out);
    ASSERT_NE(fa, nullptr);
    std::set<uint64_t> ids;
    for (const auto& o : fa->objects) {
      if (o.cls == ObjectClass::kPerson && o.track_id != 0) ids.insert(o.track_id);
    }
    if (i == 0) {
      first_ids = ids;
      EXPECT_GE(ids.size(), 3U);  // the detector finds ~6 people per frame
    } else {
      EXPECT_EQ(ids, first_ids) << "push " << i;
    }
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
  gst_buffer_unref(frame);
}

// Faces and people on a real photo: separate ids, and the face records its person's track.
TEST(RetailTrack, FaceTrackRecordsItsPersonTrack) {
  RETAIL_REQUIRE_SHARED();
  GstVideoInfo info;
  GstBuffer* frame = load_frame(media("photos/messi5.jpg"), "video/x-raw,format=I420", &info);
  ASSERT_NE(frame, nullptr);
  GstHarness* h = gst_harness_new_parse("retaildetect ! retailtrack");
  GstCaps* caps = gst_video_info_to_caps(&info);
  gst_caps_set_simple(caps, "framerate", GST_TYPE_FRACTION, 10, 1, nullptr);
  gst_harness_set_src_caps(h, caps);
  uint64_t face_track = 0, person_track = 0;
  for (int i = 0; i < 4; ++i) {
    GstBuffer* in = gst_buffer_copy(frame);
    GST_BUFFER_PTS(in) = static_cast<GstClockTime>(i) * GST_SECOND / 10;
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    ASSERT_NE(out, nullptr);
    const auto fa = retail::meta::read(out);
    ASSERT_NE(fa, nullptr);
    const retail::Object* face = nullptr;
    for (const auto& o : fa->objects) {
      if (o.cls == ObjectClass::kFace) face = &o;
    }
    ASSERT_NE(face, nullptr);
    ASSERT_NE(face->parent_id, 0U);
    const retail::Object* person = fa->find_object(face->parent_id);
    ASSERT_NE(person, nullptr);
    ASSERT_NE(face->track_id, 0U);
    ASSERT_NE(person->track_id, 0U);
    EXPECT_NE(face->track_id, person->track_id);
    const retail::Attribute* link = fa->attribute(face->id, retail::track::kPersonTrackAttribute);
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(static_cast<uint64_t>(link->value), person->track_id);
    EXPECT_EQ(link->label, std::to_string(person->track_id));
    if (i == 0) {
      face_track = face->track_id;
      person_track = person->track_id;
    }
    EXPECT_EQ(face->track_id, face_track);
    EXPECT_EQ(person->track_id, person_track);
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
  gst_buffer_unref(frame);
}

TEST(RetailTrack, BadConfigurationIsAnErrorNamingTheProperty) {
  const auto r = retail::test::run_pipeline(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=64,height=64 ! "
      "retailtrack high-threshold=0.3 low-threshold=0.6 ! fakesink",
      20);
  EXPECT_NE(r.error.find("low-threshold"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("high-threshold"), std::string::npos) << r.error;
}

TEST(RetailTrack, MissingFrameRateIsAWarningNotAFailure) {
  const auto r = retail::test::run_pipeline(
      "videotestsrc num-buffers=3 ! video/x-raw,format=I420,width=64,height=64,framerate=0/1 ! "
      "retailtrack ! fakesink name=sink",
      20);
  EXPECT_EQ(r.error, "");
  bool warned = false;
  for (const auto& w : r.warnings) warned |= w.find("frame rate") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(RetailTrack, TwoNullPlayingNullCycles) {
  GstElement* p = gst_parse_launch(
      "videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=64,height=64,framerate=10/1 ! "
      "retailtrack name=t ! fakesink",
      nullptr);
  ASSERT_NE(p, nullptr);
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    GstBus* bus = gst_element_get_bus(p);
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus, 10 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    ASSERT_NE(m, nullptr) << "cycle " << cycle;
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS) << "cycle " << cycle;
    gst_message_unref(m);
    gst_object_unref(bus);
    ASSERT_EQ(gst_element_set_state(p, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref(p);
}

// retailliveness element: properties, caps, metadata in/out on the real liveness images (faces
// from retaildetect), drop-spoofs, events, errors naming the model file, state cycles.
#include <glib/gstdio.h>
#include <gst/check/gstharness.h>
#include <gtest/gtest.h>

#include <string>

#include "liveness/liveness.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"

namespace {

using retail::ObjectClass;
using retail::test::media;
using retail::test::run_pipeline;

// Decodes a JPEG honouring its EXIF orientation (the Silent-Face samples are stored rotated;
// jpegparse emits the orientation tag, videoflip applies it) and converts it to `caps`.
GstBuffer* load_frame(const std::string& path, const std::string& caps, GstVideoInfo* info) {
  const std::string desc = "filesrc location=\"" + path +
                           "\" ! jpegparse ! jpegdec ! videoflip video-direction=auto ! "
                           "videoconvert ! " +
                           caps + " ! appsink name=out sync=false";
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

// Pushes `image` (as `format`) `times` times through "retaildetect ! [identity that stamps a
// track id] ! retailliveness <props>" and returns the analytics of every output buffer.
std::vector<retail::FrameAnalyticsPtr> push_image(const std::string& image,
                                                  const std::string& props, int times = 1,
                                                  const std::string& format = "I420",
                                                  uint64_t track_id = 0) {
  std::vector<retail::FrameAnalyticsPtr> out;
  GstVideoInfo info;
  GstBuffer* in = load_frame(image, "video/x-raw,format=" + format, &info);
  EXPECT_NE(in, nullptr) << image;
  if (in == nullptr) return out;
  // Faces from the real detector, once.
  GstHarness* det = gst_harness_new_parse("retaildetect person-backend=none");
  GstCaps* caps = gst_video_info_to_caps(&info);
  gst_harness_set_src_caps(det, gst_caps_copy(caps));
  GstBuffer* detected = gst_harness_push_and_pull(det, in);
  gst_harness_teardown(det);
  EXPECT_NE(detected, nullptr);
  if (detected == nullptr) {
    gst_caps_unref(caps);
    return out;
  }
  if (track_id != 0) {  // what retailtrack would add: one face track per face
    detected = gst_buffer_make_writable(detected);
    retail::FrameAnalytics fa = retail::meta::copy_or_new(detected);
    uint64_t next = track_id;
    for (auto& o : fa.objects) {
      o.track_id = next++;
      fa.tracks.push_back({o.track_id, o.id, ObjectClass::kFace, retail::TrackState::kTracked});
    }
    retail::meta::write(detected, std::move(fa));
  }
  GstHarness* h = gst_harness_new_parse(("retailliveness " + props).c_str());
  gst_harness_set_src_caps(h, caps);
  for (int i = 0; i < times; ++i) {
    GstBuffer* res = gst_harness_push_and_pull(h, gst_buffer_copy(detected));
    EXPECT_NE(res, nullptr);
    if (res == nullptr) break;
    out.push_back(retail::meta::read(res));
    gst_buffer_unref(res);
  }
  gst_buffer_unref(detected);
  gst_harness_teardown(h);
  return out;
}

std::string label_of_largest_face(const retail::FrameAnalyticsPtr& fa) {
  if (!fa) return "<no metadata>";
  const retail::Object* best = nullptr;
  for (const auto& o : fa->objects)
    if (o.cls == ObjectClass::kFace && (best == nullptr || o.box.area() > best->box.area()))
      best = &o;
  if (best == nullptr) return "<no face>";
  const auto* a = fa->attribute(best->id, "liveness");
  return a != nullptr ? a->label : "<no attribute>";
}

}  // namespace

TEST(RetailLiveness, DefaultsComeFromCoreConfigAndRoundTrip) {
  GstElement* e = gst_element_factory_make("retailliveness", nullptr);
  ASSERT_NE(e, nullptr);
  const retail::liveness::Config d;
  gchar* v2 = nullptr;
  gchar* v1se = nullptr;
  guint min_face = 0, votes = 0, min_votes = 0, recheck = 0;
  gfloat thr = 0;
  gboolean drop = TRUE;
  g_object_get(e, "model-v2-path", &v2, "model-v1se-path", &v1se, "min-face-size-px", &min_face,
               "votes", &votes, "min-votes", &min_votes, "vote-threshold", &thr,
               "recheck-interval-frames", &recheck, "drop-spoofs", &drop, nullptr);
  EXPECT_EQ(std::string(v2), d.model_v2_path);
  EXPECT_EQ(std::string(v1se), d.model_v1se_path);
  EXPECT_EQ(static_cast<int>(min_face), d.min_face_size_px);
  EXPECT_EQ(static_cast<int>(votes), d.votes);
  EXPECT_EQ(static_cast<int>(min_votes), d.min_votes);
  EXPECT_FLOAT_EQ(thr, d.vote_threshold);
  EXPECT_EQ(static_cast<int>(recheck), d.recheck_interval_frames);
  EXPECT_EQ(drop != FALSE, d.drop_spoofs);
  g_free(v2);
  g_free(v1se);

  g_object_set(e, "model-v2-path", "/tmp/a.onnx", "min-face-size-px", 64U, "votes", 7U, "min-votes",
               4U, "vote-threshold", 0.8F, "recheck-interval-frames", 3U, "drop-spoofs", TRUE,
               nullptr);
  g_object_get(e, "model-v2-path", &v2, "min-face-size-px", &min_face, "votes", &votes, "min-votes",
               &min_votes, "vote-threshold", &thr, "recheck-interval-frames", &recheck,
               "drop-spoofs", &drop, nullptr);
  EXPECT_STREQ(v2, "/tmp/a.onnx");
  EXPECT_EQ(min_face, 64U);
  EXPECT_EQ(votes, 7U);
  EXPECT_EQ(min_votes, 4U);
  EXPECT_FLOAT_EQ(thr, 0.8F);
  EXPECT_EQ(recheck, 3U);
  EXPECT_TRUE(drop);
  g_free(v2);

  // Out-of-range values are refused by the param specs and leave the value unchanged.
  g_object_set(e, "votes", 0U, "recheck-interval-frames", 0U, "vote-threshold", 1.5F, nullptr);
  g_object_get(e, "votes", &votes, "recheck-interval-frames", &recheck, "vote-threshold", &thr,
               nullptr);
  EXPECT_EQ(votes, 7U);
  EXPECT_EQ(recheck, 3U);
  EXPECT_FLOAT_EQ(thr, 0.8F);

  // Counters are read-only.
  GParamSpec* inv = g_object_class_find_property(G_OBJECT_GET_CLASS(e), "model-invocations");
  ASSERT_NE(inv, nullptr);
  EXPECT_EQ(inv->flags & G_PARAM_WRITABLE, 0);
  gst_object_unref(e);
}

TEST(RetailLiveness, AcceptsRawFormatsWithoutConversion) {
  GstElement* e = gst_element_factory_make("retailliveness", nullptr);
  GstPad* sink = gst_element_get_static_pad(e, "sink");
  GstCaps* tmpl = gst_pad_get_pad_template_caps(sink);
  for (const char* ok : {"I420", "NV12", "BGR", "RGBx", "GRAY8"}) {
    GstCaps* c = gst_caps_from_string((std::string("video/x-raw,format=") + ok).c_str());
    EXPECT_TRUE(gst_caps_can_intersect(tmpl, c)) << ok;
    gst_caps_unref(c);
  }
  GstCaps* bad = gst_caps_from_string("video/x-raw,format=UYVY");
  EXPECT_FALSE(gst_caps_can_intersect(tmpl, bad));
  gst_caps_unref(bad);
  gst_caps_unref(tmpl);
  gst_object_unref(sink);
  gst_object_unref(e);
}

TEST(RetailLiveness, RealImagesLiveAndSpoof) {
  RETAIL_REQUIRE_SHARED();
  EXPECT_EQ(label_of_largest_face(push_image(media("liveness/real_T1.jpg"), "").at(0)), "live");
  EXPECT_EQ(label_of_largest_face(push_image(media("liveness/print_attack_F1.jpg"), "").at(0)),
            "spoof");
  EXPECT_EQ(label_of_largest_face(
                push_image(media("liveness/replay_attack_F2.jpg"), "", 1, "NV12").at(0)),
            "spoof");
}

TEST(RetailLiveness, TrackedSpoofIsVotedRejectedOnceAndDropped) {
  RETAIL_REQUIRE_SHARED();
  const auto frames = push_image(media("liveness/replay_attack_F2.jpg"),
                                 "recheck-interval-frames=2 drop-spoofs=true", 10, "I420", 50);
  ASSERT_EQ(frames.size(), 10U);
  // Unknown until min-votes (3) checks: frames 1-5 keep the face, with "unknown".
  EXPECT_EQ(label_of_largest_face(frames[0]), "unknown");
  int events = 0;
  for (const auto& fa : frames) {
    for (const auto& ev : fa->events) {
      EXPECT_EQ(ev.type, "liveness_rejected");
      EXPECT_NE(ev.payload_json.find("\"track_id\":50"), std::string::npos) << ev.payload_json;
      EXPECT_NE(ev.payload_json.find("\"votes\":3"), std::string::npos) << ev.payload_json;
      ++events;
    }
  }
  EXPECT_EQ(events, 1);
  EXPECT_EQ(frames.back()->count(ObjectClass::kFace), 0U) << "drop-spoofs removes the face";
  EXPECT_TRUE(frames.back()->tracks.empty());
}

TEST(RetailLiveness, PassesThroughWithoutMetadataOrFaces) {
  GstHarness* h = gst_harness_new("retailliveness");
  gst_harness_set_src_caps_str(h, "video/x-raw,format=I420,width=320,height=240,framerate=25/1");
  GstBuffer* plain = gst_harness_create_buffer(h, 320 * 240 * 3 / 2);
  GstBuffer* res = gst_harness_push_and_pull(h, plain);
  ASSERT_NE(res, nullptr);
  EXPECT_EQ(retail::meta::read(res), nullptr);
  gst_buffer_unref(res);

  GstBuffer* with_person = gst_harness_create_buffer(h, 320 * 240 * 3 / 2);
  retail::FrameAnalytics fa;
  retail::Object p;
  p.id = 1;
  p.box = {0.1F, 0.1F, 0.3F, 0.8F};
  fa.objects.push_back(p);
  retail::meta::write(with_person, fa);
  res = gst_harness_push_and_pull(h, with_person);
  ASSERT_NE(res, nullptr);
  auto out = retail::meta::read(res);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->objects.size(), 1U);
  EXPECT_TRUE(out->attributes.empty());
  gst_buffer_unref(res);
  gst_harness_teardown(h);
}

TEST(RetailLiveness, MissingModelErrorNamesTheFile) {
  const auto r = run_pipeline(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=320,height=240 ! "
      "retailliveness model-v2-path=/nonexistent/dir/minifas_v2.onnx ! fakesink",
      30);
  EXPECT_NE(r.error.find("/nonexistent/dir/minifas_v2.onnx"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("model-v2-path"), std::string::npos) << r.error;
}

TEST(RetailLiveness, CorruptModelErrorNamesTheFile) {
  RETAIL_REQUIRE_SHARED();  // the V2 model loads, the V1SE file is garbage
  gchar* path = g_build_filename(g_get_tmp_dir(), "retailliveness_corrupt.onnx", nullptr);
  ASSERT_TRUE(g_file_set_contents(path, "not a network", -1, nullptr));
  const auto r = run_pipeline(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=320,height=240 ! "
      "retailliveness model-v1se-path=" +
          std::string(path) + " ! fakesink",
      30);
  EXPECT_NE(r.error.find(path), std::string::npos) << r.error;
  g_unlink(path);
  g_free(path);
}

TEST(RetailLiveness, InconsistentVotesFailAtStart) {
  const auto r = run_pipeline(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=320,height=240 ! "
      "retailliveness votes=3 min-votes=5 ! fakesink",
      30);
  EXPECT_NE(r.error.find("min-votes"), std::string::npos) << r.error;
}

TEST(RetailLiveness, TwoNullPlayingNullCycles) {
  RETAIL_REQUIRE_SHARED();
  GstElement* p = gst_parse_launch(
      "videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=320,height=240 ! "
      "retailliveness name=l ! fakesink",
      nullptr);
  ASSERT_NE(p, nullptr);
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    GstBus* bus = gst_element_get_bus(p);
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus, 30 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS) << "cycle " << cycle;
    gst_message_unref(m);
    gst_object_unref(bus);
    ASSERT_EQ(gst_element_set_state(p, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref(p);
}

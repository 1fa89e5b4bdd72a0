// retaildetect element: properties, caps, metadata on real images, errors, state cycles.
#include <gst/check/gstharness.h>
#include <gst/video/gstvideometa.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "detect/config.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"

namespace {

using retail::ObjectClass;
using retail::test::load_frame;
using retail::test::media;
using retail::test::run_pipeline;

// Runs one real image through retaildetect (in a harness) and returns the analytics.
struct Pushed {
  retail::FrameAnalyticsPtr analytics;
  bool roi_meta = false;
  std::string roi_type;
};

Pushed push_image(const std::string& image, const std::string& format,
                  const std::string& properties) {
  Pushed out;
  GstVideoInfo info;
  GstBuffer* in = load_frame(image, "video/x-raw,format=" + format, &info);
  EXPECT_NE(in, nullptr) << image;
  if (in == nullptr) return out;
  GstHarness* h = gst_harness_new_parse(("retaildetect " + properties).c_str());
  GstCaps* caps = gst_video_info_to_caps(&info);
  gst_harness_set_src_caps(h, caps);
  GstBuffer* res = gst_harness_push_and_pull(h, in);
  EXPECT_NE(res, nullptr);
  if (res != nullptr) {
    out.analytics = retail::meta::read(res);
    auto* roi = gst_buffer_get_video_region_of_interest_meta(res);
    if (roi != nullptr) {
      out.roi_meta = true;
      out.roi_type = g_quark_to_string(roi->roi_type);
    }
    gst_buffer_unref(res);
  }
  gst_harness_teardown(h);
  return out;
}

TEST(RetailDetect, DefaultsComeFromCoreConfig) {
  GstElement* e = gst_element_factory_make("retaildetect", nullptr);
  ASSERT_NE(e, nullptr);
  const retail::detect::Config d;
  gchar* face_model = nullptr;
  gchar* roi = nullptr;
  gfloat face_thr = 0;
  gfloat person_thr = 0;
  gfloat nms = 0;
  guint interval = 0;
  gint threads = -1;
  gint min_face = -1;
  gboolean emit = TRUE;
  g_object_get(e, "face-model", &face_model, "roi", &roi, "face-threshold", &face_thr,
               "person-threshold", &person_thr, "nms-iou", &nms, "interval", &interval, "threads",
               &threads, "min-face-size-px", &min_face, "emit-roi-meta", &emit, nullptr);
  EXPECT_EQ(std::string(face_model), d.face.model);
  EXPECT_EQ(std::string(roi), d.roi);
  EXPECT_FLOAT_EQ(face_thr, d.face.threshold);
  EXPECT_FLOAT_EQ(person_thr, d.person.threshold);
  EXPECT_FLOAT_EQ(nms, d.nms_iou);
  EXPECT_EQ(interval, d.interval);
  EXPECT_EQ(threads, d.threads);
  EXPECT_EQ(min_face, d.face.min_size_px);
  EXPECT_EQ(emit, d.emit_roi_meta);
  g_free(face_model);
  g_free(roi);
  gst_object_unref(e);
}

TEST(RetailDetect, PropertiesRoundTrip) {
  GstElement* e = gst_element_factory_make("retaildetect", nullptr);
  ASSERT_NE(e, nullptr);
  gst_util_set_object_arg(G_OBJECT(e), "face-backend", "ultraface");
  gst_util_set_object_arg(G_OBJECT(e), "person-backend", "nanodet");
  g_object_set(e, "face-model", "face/ultraface_rfb_320x240.onnx", "person-model",
               "person/nanodet-m-320.onnx", "face-threshold", 0.55F, "person-threshold", 0.4F,
               "nms-iou", 0.3F, "interval", 4U, "roi", "0,0.5,1,0.5", "min-face-size-px", 20,
               "min-person-height-px", 40, "threads", 2, "emit-roi-meta", TRUE, nullptr);
  gchar *fm = nullptr, *pm = nullptr, *roi = nullptr;
  gint fb = 0, pb = 0, mf = 0, mp = 0, th = 0;
  gfloat ft = 0, pt = 0, nms = 0;
  guint interval = 0;
  gboolean emit = FALSE;
  g_object_get(e, "face-model", &fm, "person-model", &pm, "roi", &roi, "face-backend", &fb,
               "person-backend", &pb, "min-face-size-px", &mf, "min-person-height-px", &mp,
               "threads", &th, "face-threshold", &ft, "person-threshold", &pt, "nms-iou", &nms,
               "interval", &interval, "emit-roi-meta", &emit, nullptr);
  EXPECT_STREQ(fm, "face/ultraface_rfb_320x240.onnx");
  EXPECT_STREQ(pm, "person/nanodet-m-320.onnx");
  EXPECT_STREQ(roi, "0,0.5,1,0.5");
  EXPECT_EQ(fb, static_cast<gint>(retail::detect::Backend::kUltraFace));
  EXPECT_EQ(pb, static_cast<gint>(retail::detect::Backend::kNanoDet));
  EXPECT_EQ(mf, 20);
  EXPECT_EQ(mp, 40);
  EXPECT_EQ(th, 2);
  EXPECT_FLOAT_EQ(ft, 0.55F);
  EXPECT_FLOAT_EQ(pt, 0.4F);
  EXPECT_FLOAT_EQ(nms, 0.3F);
  EXPECT_EQ(interval, 4U);
  EXPECT_TRUE(emit);
  g_free(fm);
  g_free(pm);
  g_free(roi);
  gst_object_unref(e);
}

// Out-of-range numbers are refused by GObject (a warning, the value stays unchanged).
TEST(RetailDetect, OutOfRangeValuesAreRejected) {
  GstElement* e = gst_element_factory_make("retaildetect", nullptr);
  ASSERT_NE(e, nullptr);
  const GLogLevelFlags old = g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_FATAL_MASK));
  guint warnings = 0;
  const guint handler = g_log_set_handler(
      "GLib-GObject", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL),
      [](const gchar*, GLogLevelFlags, const gchar*, gpointer n) { ++*static_cast<guint*>(n); },
      &warnings);
  g_object_set(e, "face-threshold", 1.5F, nullptr);
  g_object_set(e, "person-threshold", -0.2F, nullptr);
  g_object_set(e, "interval", 0U, nullptr);
  g_object_set(e, "nms-iou", 0.0F, nullptr);
  g_log_remove_handler("GLib-GObject", handler);
  g_log_set_always_fatal(old);
  EXPECT_EQ(warnings, 4U);
  gfloat ft = 0, pt = 0, nms = 0;
  guint interval = 0;
  g_object_get(e, "face-threshold", &ft, "person-threshold", &pt, "interval", &interval, "nms-iou",
               &nms, nullptr);
  const retail::detect::Config d;
  EXPECT_FLOAT_EQ(ft, d.face.threshold);
  EXPECT_FLOAT_EQ(pt, d.person.threshold);
  EXPECT_FLOAT_EQ(nms, d.nms_iou);
  EXPECT_EQ(interval, d.interval);
  gst_object_unref(e);
}

TEST(RetailDetect, CapsAcceptTheRawFormatsAnalyzersRead) {
  GstElementFactory* f = gst_element_factory_find("retaildetect");
  ASSERT_NE(f, nullptr);
  GstCaps* sink = nullptr;
  for (const GList* l = gst_element_factory_get_static_pad_templates(f); l; l = l->next) {
    auto* t = static_cast<GstStaticPadTemplate*>(l->data);
    if (t->direction == GST_PAD_SINK) sink = gst_static_pad_template_get_caps(t);
  }
  ASSERT_NE(sink, nullptr);
  for (const char* fmt : {"I420", "NV12", "BGR", "BGRx", "RGB", "RGBx", "GRAY8"}) {
    GstCaps* c = gst_caps_from_string(
        (std::string("video/x-raw,format=") + fmt + ",width=64,height=64,framerate=1/1").c_str());
    EXPECT_TRUE(gst_caps_can_intersect(c, sink)) << fmt;
    gst_caps_unref(c);
  }
  GstCaps* yuy2 = gst_caps_from_string("video/x-raw,format=YUY2,width=64,height=64");
  EXPECT_FALSE(gst_caps_can_intersect(yuy2, sink));
  gst_caps_unref(yuy2);
  gst_caps_unref(sink);
  gst_object_unref(f);
}

TEST(RetailDetect, FindsMessiFaceLinkedToHisBody) {
  RETAIL_REQUIRE_SHARED();
  const Pushed p = push_image(media("photos/messi5.jpg"), "I420", "");
  ASSERT_NE(p.analytics, nullptr);
  EXPECT_TRUE(p.analytics->detector_ran);
  ASSERT_EQ(p.analytics->count(ObjectClass::kFace), 1U);
  ASSERT_GE(p.analytics->count(ObjectClass::kPerson), 1U);
  EXPECT_GT(p.analytics->source.width, 0);
  for (const auto& o : p.analytics->objects) {
    if (o.cls != ObjectClass::kFace) continue;
    const retail::Object* parent = p.analytics->find_object(o.parent_id);
    ASSERT_NE(parent, nullptr);
    EXPECT_EQ(parent->cls, ObjectClass::kPerson);
  }
}

TEST(RetailDetect, GroupPhotoFacesInI420) {
  RETAIL_REQUIRE_SHARED();
  const Pushed p = push_image(media("faces/group/10.jpg"), "I420", "person-backend=none");
  ASSERT_NE(p.analytics, nullptr);
  EXPECT_GE(p.analytics->count(ObjectClass::kFace), 17U);
  EXPECT_EQ(p.analytics->count(ObjectClass::kPerson), 0U);
}

TEST(RetailDetect, SameBoxesForI420Nv12BgrAndBgrx) {
  RETAIL_REQUIRE_SHARED();
  const std::string img = media("faces/group/10.jpg");
  const Pushed ref = push_image(img, "BGR", "person-backend=none");
  ASSERT_NE(ref.analytics, nullptr);
  ASSERT_GE(ref.analytics->objects.size(), 17U);
  for (const char* fmt : {"I420", "NV12", "BGRx", "RGB"}) {
    const Pushed got = push_image(img, fmt, "person-backend=none");
    ASSERT_NE(got.analytics, nullptr) << fmt;
    EXPECT_NEAR(static_cast<double>(got.analytics->objects.size()),
                static_cast<double>(ref.analytics->objects.size()), 1.0)
        << fmt;
    size_t matched = 0;
    for (const auto& r : ref.analytics->objects)
      for (const auto& g : got.analytics->objects)
        if (retail::iou(r.box, g.box) > 0.85F) {
          ++matched;
          break;
        }
    EXPECT_GE(matched + 1, ref.analytics->objects.size()) << fmt;
  }
}

TEST(RetailDetect, EmitsRoiMetaWhenAsked) {
  RETAIL_REQUIRE_SHARED();
  const Pushed off = push_image(media("photos/messi5.jpg"), "NV12", "person-backend=none");
  EXPECT_FALSE(off.roi_meta);
  const Pushed on =
      push_image(media("photos/messi5.jpg"), "NV12", "person-backend=none emit-roi-meta=true");
  EXPECT_TRUE(on.roi_meta);
  EXPECT_EQ(on.roi_type, "face");
}

// Upstream analytics (ids, objects, source) are kept; new objects get fresh ids.
TEST(RetailDetect, KeepsUpstreamAnalytics) {
  RETAIL_REQUIRE_SHARED();
  GstVideoInfo info;
  GstBuffer* in = load_frame(media("photos/messi5.jpg"), "video/x-raw,format=I420", &info);
  ASSERT_NE(in, nullptr);
  retail::FrameAnalytics up;
  up.source.camera_id = "cam-7";
  up.source.frame_index = 41;
  up.source.width = info.width;
  up.source.height = info.height;
  up.objects.push_back({5, ObjectClass::kPerson, 0.3F, {0.F, 0.F, 0.1F, 0.1F}});
  retail::meta::write(in, std::move(up));
  GstHarness* h = gst_harness_new_parse("retaildetect person-backend=none");
  gst_harness_set_src_caps(h, gst_video_info_to_caps(&info));
  GstBuffer* res = gst_harness_push_and_pull(h, in);
  ASSERT_NE(res, nullptr);
  auto fa = retail::meta::read(res);
  ASSERT_NE(fa, nullptr);
  EXPECT_EQ(fa->source.camera_id, "cam-7");
  EXPECT_EQ(fa->source.frame_index, 41U);
  ASSERT_EQ(fa->objects.size(), 2U);
  EXPECT_EQ(fa->objects[0].id, 5U);
  EXPECT_EQ(fa->objects[1].id, 6U);
  EXPECT_EQ(fa->objects[1].cls, ObjectClass::kFace);
  gst_buffer_unref(res);
  gst_harness_teardown(h);
}

std::string pets(int frames, const std::string& props) {
  return "filesrc location=\"" + media("people/pets09_s2l1_768x576.avi") +
         "\" ! decodebin ! videoconvert ! video/x-raw,format=I420 ! identity eos-after=" +
         std::to_string(frames) + " ! retaildetect name=det " + props +
         " ! fakesink name=sink sync=false";
}

TEST(RetailDetect, IntervalThreeRunsInferenceOnOneFrameInThree) {
  RETAIL_REQUIRE_SHARED();
  auto r = run_pipeline(pets(30, "face-backend=none interval=3"));
  ASSERT_EQ(r.error, "");
  // identity eos-after lets a couple of in-flight frames through: count what arrived.
  const size_t n = r.frames.size();
  ASSERT_GE(n, 30U);
  size_t ran = 0;
  for (size_t i = 0; i < r.frames.size(); ++i) {
    ASSERT_NE(r.frames[i], nullptr);
    const bool expect_run = i % 3 == 0;
    EXPECT_EQ(r.frames[i]->detector_ran, expect_run) << i;
    EXPECT_EQ(r.frames[i]->source.frame_index, i);
    if (expect_run) {
      ++ran;
      EXPECT_GE(r.frames[i]->count(ObjectClass::kPerson), 3U) << i;
    } else {
      EXPECT_TRUE(r.frames[i]->objects.empty()) << i;
    }
  }
  EXPECT_EQ(ran, (n + 2) / 3);
  // The element counts it too (message on EOS).
  bool seen = false;
  for (GstStructure* s : r.element_messages) {
    if (!gst_structure_has_name(s, "retaildetect-stats")) continue;
    guint64 frames = 0, runs = 0;
    gst_structure_get_uint64(s, "frames-seen", &frames);
    gst_structure_get_uint64(s, "inference-runs", &runs);
    EXPECT_EQ(frames, n);
    EXPECT_EQ(runs, (n + 2) / 3);
    seen = true;
  }
  EXPECT_TRUE(seen);
}

TEST(RetailDetect, PeopleOnPetsWithBoxesInsideTheFrame) {
  RETAIL_REQUIRE_SHARED();
  auto r = run_pipeline(pets(100, "face-backend=none"));
  ASSERT_EQ(r.error, "");
  ASSERT_GE(r.frames.size(), 100U);
  size_t people = 0;
  for (const auto& f : r.frames) {
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->source.width, 768);
    EXPECT_GE(f->source.pts_ns, 0);
    for (const auto& o : f->objects) {
      EXPECT_GE(o.box.x, 0.F);
      EXPECT_GE(o.box.y, 0.F);
      EXPECT_LE(o.box.right(), 1.F);
      EXPECT_LE(o.box.bottom(), 1.F);
    }
    people += f->count(ObjectClass::kPerson);
  }
  const double mean = static_cast<double>(people) / static_cast<double>(r.frames.size());
  RecordProperty("mean_people_per_frame", std::to_string(mean));
  EXPECT_GE(mean, 4.0) << "mean people per frame over the first 100 frames";
}

std::string error_for(const std::string& props) {
  auto r = run_pipeline(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=320,height=240 "
      "! retaildetect " +
      props + " ! fakesink");
  return r.error;
}

TEST(RetailDetect, MissingModelErrorNamesTheFile) {
  const std::string e = error_for("face-model=/nonexistent/dir/my-faces.onnx person-backend=none");
  EXPECT_NE(e.find("/nonexistent/dir/my-faces.onnx"), std::string::npos) << e;
  EXPECT_NE(e.find("face-model"), std::string::npos) << e;
  const std::string p = error_for("person-model=/nonexistent/people.cfg face-backend=none");
  EXPECT_NE(p.find("/nonexistent/people.cfg"), std::string::npos) << p;
}

TEST(RetailDetect, CorruptModelErrorNamesTheFile) {
  const std::string path = ::testing::TempDir() + "/broken_yunet.onnx";
  ASSERT_TRUE(g_file_set_contents(path.c_str(), "garbage", -1, nullptr));
  const std::string e = error_for("face-model=" + path + " person-backend=none");
  EXPECT_NE(e.find(path), std::string::npos) << e;
}

TEST(RetailDetect, BadPropertyValuesFailStartNamingTheProperty) {
  EXPECT_NE(error_for("roi=0.5,0.5,0.9,0.9").find("roi"), std::string::npos);
  EXPECT_NE(error_for("roi=abc").find("roi"), std::string::npos);
  EXPECT_NE(error_for("face-backend=hog").find("face-backend"), std::string::npos);
  EXPECT_NE(error_for("person-backend=yunet").find("person-backend"), std::string::npos);
  EXPECT_NE(
      error_for("face-backend=auto face-model=mystery.bin person-backend=none").find("mystery.bin"),
      std::string::npos);
}

TEST(RetailDetect, WithoutModelsFolderFallsBackWithAWarning) {
  const char* old = std::getenv("RETAIL_SHARED_DIR");
  const std::string saved = old != nullptr ? old : "";
  setenv("RETAIL_SHARED_DIR", "/nonexistent-shared", 1);
  auto r = run_pipeline(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=320,height=240 ! "
      "retaildetect ! fakesink name=sink");
  if (old != nullptr)
    setenv("RETAIL_SHARED_DIR", saved.c_str(), 1);
  else
    unsetenv("RETAIL_SHARED_DIR");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.frames.size(), 2U);
  ASSERT_EQ(r.warnings.size(), 2U);  // faces -> haar, people -> hog
  EXPECT_NE(r.warnings[0].find("haar"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[1].find("hog"), std::string::npos) << r.warnings[1];
  EXPECT_NE(r.warnings[0].find("RETAIL_SHARED_DIR"), std::string::npos) << r.warnings[0];
}

TEST(RetailDetect, ThresholdBelowTheBackEndsScoreFloorWarnsOnce) {
  auto r = run_pipeline(
      "videotestsrc num-buffers=3 ! video/x-raw,format=I420,width=320,height=240 ! "
      "retaildetect face-backend=none person-backend=hog person-threshold=0.1 ! "
      "fakesink name=sink");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.frames.size(), 3U);
  ASSERT_EQ(r.warnings.size(), 1U);
  EXPECT_NE(r.warnings[0].find("score floor 0.50"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("person-threshold >= 0.50"), std::string::npos) << r.warnings[0];
  // A back end without a floor takes any threshold silently.
  auto q = run_pipeline(
      "videotestsrc num-buffers=1 ! video/x-raw,format=I420,width=320,height=240 ! "
      "retaildetect face-backend=none person-threshold=0.1 ! fakesink name=sink");
  EXPECT_EQ(q.error, "");
  EXPECT_TRUE(q.warnings.empty()) << q.warnings[0];
}

TEST(RetailDetect, TwoNullPlayingNullCycles) {
  RETAIL_REQUIRE_SHARED();
  GstElement* p = gst_parse_launch(
      "videotestsrc num-buffers=3 ! video/x-raw,format=NV12,width=320,height=240 ! "
      "retaildetect name=det ! fakesink",
      nullptr);
  ASSERT_NE(p, nullptr);
  GstElement* det = gst_bin_get_by_name(GST_BIN(p), "det");
  GstBus* bus = gst_element_get_bus(p);
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus, 30 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(GST_MESSAGE_TYPE(m), GST_MESSAGE_EOS) << "cycle " << cycle;
    gst_message_unref(m);
    ASSERT_EQ(gst_element_set_state(p, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    guint64 frames = 0, runs = 0;
    g_object_get(det, "frames-seen", &frames, "inference-runs", &runs, nullptr);
    EXPECT_EQ(frames, 3U) << "cycle " << cycle;
    EXPECT_EQ(runs, 3U) << "cycle " << cycle;
  }
  gst_object_unref(bus);
  gst_object_unref(det);
  gst_object_unref(p);
}

}  // namespace

// adoverlay on real images: drawn borders change the pixels they cover and nothing far away;
// blur-faces removes the detail of the face region; all layers off is bit-identical; meta is
// attached (pixels untouched) when downstream accepts it; privacy=eu draws and emits no
// demographic data; properties, caps, bad campaigns files and state cycles.
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "common/json.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"

namespace {

using retail::test::media;
using retail::test::source_path;

const char* kCampaigns = "configs/campaigns.json";

struct Image {
  GstBuffer* buffer = nullptr;
  GstVideoInfo info{};
  ~Image() {
    if (buffer != nullptr) gst_buffer_unref(buffer);
  }
};

// Grace Hopper's portrait; her face is roughly at (150..370, 80..340) of the 512x512 photo.
const retail::Box kFace{150.F / 512, 80.F / 512, 220.F / 512, 260.F / 512};

void load(Image& img, const std::string& format) {
  img.buffer = retail::test::load_frame(media("photos/grace_hopper_512x512.jpg"),
                                        "video/x-raw,format=" + format, &img.info);
  ASSERT_NE(img.buffer, nullptr);
}

retail::FrameAnalytics one_face(bool with_attributes) {
  retail::FrameAnalytics fa;
  retail::Object face;
  face.id = 1;
  face.cls = retail::ObjectClass::kFace;
  face.box = kFace;
  face.confidence = 0.9F;
  face.track_id = 7;
  fa.objects.push_back(face);
  fa.set_attribute({1, "liveness", "live", 0.95F, 0});
  if (with_attributes) {
    fa.set_attribute({1, "age_band", "35-44", 0.8F, 40});
    fa.set_attribute({1, "gender", "female", 0.9F, 0});
    fa.set_attribute({1, "emotion", "happy", 0.7F, 0});
  }
  return fa;
}

GstBuffer* with_meta(GstBuffer* src, const retail::FrameAnalytics& fa, GstClockTime pts) {
  GstBuffer* b = gst_buffer_copy_deep(src);
  GST_BUFFER_PTS(b) = pts;
  GST_BUFFER_DURATION(b) = 40 * GST_MSECOND;
  retail::meta::write(b, fa);
  return b;
}

const char* kAllOff =
    "draw-boxes=false draw-ids=false draw-liveness=false draw-attributes=false draw-hud=false "
    "draw-regions=false draw-panel=false";

GstHarness* harness(const std::string& props, const GstVideoInfo& info) {
  GstHarness* h = gst_harness_new_parse(("adoverlay " + props).c_str());
  GstCaps* caps = gst_video_info_to_caps(&info);
  gst_harness_set_src_caps(h, caps);
  return h;
}

// Pushes `fa` on a copy of `img` through adoverlay `props`; returns the output buffer.
GstBuffer* run_one(const Image& img, const std::string& props, const retail::FrameAnalytics& fa,
                   bool propose_meta = false) {
  GstHarness* h = gst_harness_new_parse(("adoverlay " + props).c_str());
  if (propose_meta)
    gst_harness_add_propose_allocation_meta(h, GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE,
                                            nullptr);
  gst_harness_set_src_caps(h, gst_video_info_to_caps(&img.info));
  GstBuffer* out = gst_harness_push_and_pull(h, with_meta(img.buffer, fa, 0));
  gst_harness_teardown(h);
  return out;
}

// Byte of plane 0 at pixel (x, y) (first byte of the pixel for packed formats).
struct Plane0 {
  GstVideoFrame frame{};
  bool ok = false;
  int pixel_stride = 1;
  Plane0(GstBuffer* b, const GstVideoInfo* info) {
    ok = gst_video_frame_map(&frame, const_cast<GstVideoInfo*>(info), b, GST_MAP_READ);
    pixel_stride = GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, 0);
  }
  ~Plane0() {
    if (ok) gst_video_frame_unmap(&frame);
  }
  cv::Mat gray() const {  // first component of plane 0 as an 8-bit image
    cv::Mat m(GST_VIDEO_FRAME_HEIGHT(&frame), GST_VIDEO_FRAME_WIDTH(&frame), CV_8UC(pixel_stride),
              GST_VIDEO_FRAME_PLANE_DATA(&frame, 0), GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0));
    cv::Mat out;
    if (pixel_stride == 1)
      out = m.clone();
    else
      cv::extractChannel(m, out, 1);  // G of BGRx/RGBA
    return out;
  }
};

bool same_bytes(GstBuffer* a, GstBuffer* b) {
  GstMapInfo ma, mb;
  gst_buffer_map(a, &ma, GST_MAP_READ);
  gst_buffer_map(b, &mb, GST_MAP_READ);
  const bool same = ma.size == mb.size && std::memcmp(ma.data, mb.data, ma.size) == 0;
  gst_buffer_unmap(a, &ma);
  gst_buffer_unmap(b, &mb);
  return same;
}

std::vector<retail::Event> impressions(GstBuffer* b) {
  std::vector<retail::Event> out;
  auto fa = retail::meta::read(b);
  if (fa)
    for (const auto& e : fa->events)
      if (e.type == "ad_impression") out.push_back(e);
  return out;
}

double hf_energy(const cv::Mat& gray) {
  cv::Mat lap;
  cv::Laplacian(gray, lap, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return stddev[0] * stddev[0];
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "adoverlay_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

class AdOverlayFormats : public ::testing::TestWithParam<const char*> {};

TEST_P(AdOverlayFormats, BorderChangesPixelsOnTheBoxOnly) {
  RETAIL_REQUIRE_SHARED();
  Image img;
  load(img, GetParam());
  const std::string props = std::string(kAllOff) + " draw-boxes=true";
  GstBuffer* out = run_one(img, props, one_face(false));
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(gst_buffer_get_video_overlay_composition_meta(out), nullptr);  // blended
  Plane0 a(img.buffer, &img.info), b(out, &img.info);
  ASSERT_TRUE(a.ok && b.ok);
  const cv::Mat before = a.gray(), after = b.gray();
  const cv::Rect box(150, 80, 220, 260);
  // On the border (1 px inside the edge, every 10 px along each side): changed.
  int border = 0, border_changed = 0;
  for (int x = box.x + 5; x < box.x + box.width - 5; x += 10) {
    for (int y : {box.y + 1, box.y + box.height - 2}) {
      ++border;
      border_changed += std::abs(before.at<uint8_t>(y, x) - after.at<uint8_t>(y, x)) > 8;
    }
  }
  for (int y = box.y + 5; y < box.y + box.height - 5; y += 10) {
    for (int x : {box.x + 1, box.x + box.width - 2}) {
      ++border;
      border_changed += std::abs(before.at<uint8_t>(y, x) - after.at<uint8_t>(y, x)) > 8;
    }
  }
  EXPECT_GE(border_changed, border * 9 / 10) << border_changed << " of " << border;
  // Far from the box (more than 16 px away): identical.
  cv::Mat far = cv::Mat::ones(before.size(), CV_8UC1);
  far(cv::Rect(box.x - 16, box.y - 16, box.width + 32, box.height + 32)) = 0;
  cv::Mat diff;
  cv::absdiff(before, after, diff);
  EXPECT_EQ(cv::countNonZero(diff.mul(far)), 0);
  // The inside of the box (away from the border) is untouched too.
  const cv::Rect inside(box.x + 10, box.y + 10, box.width - 20, box.height - 20);
  EXPECT_EQ(cv::countNonZero(diff(inside)), 0);
  gst_buffer_unref(out);
}

INSTANTIATE_TEST_SUITE_P(Formats, AdOverlayFormats,
                         ::testing::Values("I420", "NV12", "BGRx", "RGBA"));

TEST(AdOverlay, AllLayersOffIsBitIdentical) {
  RETAIL_REQUIRE_SHARED();
  for (const char* format : {"I420", "NV12", "BGRx"}) {
    Image img;
    load(img, format);
    GstBuffer* out = run_one(img, kAllOff, one_face(true));
    ASSERT_NE(out, nullptr);
    EXPECT_TRUE(same_bytes(img.buffer, out)) << format;
    gst_buffer_unref(out);
    // Campaigns loaded and impressions counted, but no panel drawn: still identical.
    out = run_one(img, std::string(kAllOff) + " campaigns-file=" + source_path(kCampaigns),
                  one_face(true));
    EXPECT_TRUE(same_bytes(img.buffer, out)) << format;
    gst_buffer_unref(out);
  }
}

TEST(AdOverlay, AttachesMetaWhenDownstreamAcceptsIt) {
  RETAIL_REQUIRE_SHARED();
  Image img;
  load(img, "I420");
  GstBuffer* out = run_one(img, "campaigns-file=" + source_path(kCampaigns), one_face(true), true);
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(same_bytes(img.buffer, out));  // nothing blended
  GstVideoOverlayCompositionMeta* m = gst_buffer_get_video_overlay_composition_meta(out);
  ASSERT_NE(m, nullptr);
  // box + id + badge + attribute label + HUD + panel
  EXPECT_GE(gst_video_overlay_composition_n_rectangles(m->overlay), 6U);
  // Blending the attached composition gives what adoverlay would have drawn itself.
  GstBuffer* blended = run_one(img, "campaigns-file=" + source_path(kCampaigns), one_face(true));
  GstBuffer* copy = gst_buffer_copy_deep(out);
  GstVideoFrame f;
  ASSERT_TRUE(gst_video_frame_map(&f, &img.info, copy, GST_MAP_READWRITE));
  gst_video_overlay_composition_blend(m->overlay, &f);
  gst_video_frame_unmap(&f);
  EXPECT_TRUE(same_bytes(copy, blended));
  gst_buffer_unref(copy);
  gst_buffer_unref(blended);
  gst_buffer_unref(out);
}

TEST(AdOverlay, BlurFacesRemovesDetailOfTheFaceOnly) {
  RETAIL_REQUIRE_SHARED();
  for (const char* format : {"I420", "BGRx"}) {
    Image img;
    load(img, format);
    GstBuffer* out = run_one(img, std::string(kAllOff) + " blur-faces=true", one_face(false));
    ASSERT_NE(out, nullptr);
    Plane0 a(img.buffer, &img.info), b(out, &img.info);
    const cv::Mat before = a.gray(), after = b.gray();
    const cv::Rect box(150, 80, 220, 260);
    const double e0 = hf_energy(before(box)), e1 = hf_energy(after(box));
    EXPECT_LT(e1, e0 * 0.1) << format << ": " << e0 << " -> " << e1;
    cv::Mat outside = cv::Mat::ones(before.size(), CV_8UC1);
    outside(cv::Rect(box.x - 2, box.y - 2, box.width + 4, box.height + 4)) = 0;
    cv::Mat diff;
    cv::absdiff(before, after, diff);
    EXPECT_EQ(cv::countNonZero(diff.mul(outside)), 0) << format;
    gst_buffer_unref(out);
  }
}

TEST(AdOverlay, PrivacyEuDrawsNoDemographicLabels) {
  RETAIL_REQUIRE_SHARED();
  Image img;
  load(img, "I420");
  const std::string base = "draw-hud=false draw-panel=false privacy=";
  // With privacy=none the attribute label is drawn (the two outputs differ) ...
  GstBuffer* none_on = run_one(img, base + "none draw-attributes=true", one_face(true));
  GstBuffer* none_off = run_one(img, base + "none draw-attributes=false", one_face(true));
  EXPECT_FALSE(same_bytes(none_on, none_off));
  // ... with privacy=eu it is not: draw-attributes changes nothing.
  GstBuffer* eu_on = run_one(img, base + "eu draw-attributes=true", one_face(true));
  GstBuffer* eu_off = run_one(img, base + "eu draw-attributes=false", one_face(true));
  EXPECT_TRUE(same_bytes(eu_on, eu_off));
  EXPECT_TRUE(same_bytes(eu_on, none_off));
  for (GstBuffer* b : {none_on, none_off, eu_on, eu_off}) gst_buffer_unref(b);
}

namespace {

// Pushes `n` frames (10 fps) with `viewers` live, attributed faces; returns every ad_impression.
std::vector<retail::Event> play(const std::string& props, int n, int viewers_from, int viewers,
                                std::string* last_creative = nullptr) {
  Image img;
  load(img, "I420");
  GstHarness* h = harness(props, img.info);
  std::vector<retail::Event> events;
  for (int i = 0; i < n; ++i) {
    retail::FrameAnalytics fa;
    const int count = i >= viewers_from ? viewers : 0;
    for (int k = 0; k < count; ++k) {
      retail::Object face;
      face.id = static_cast<uint64_t>(k + 1);
      face.cls = retail::ObjectClass::kFace;
      face.box = {0.1F + 0.2F * static_cast<float>(k), 0.2F, 0.15F, 0.2F};
      face.track_id = static_cast<uint64_t>(k + 10);
      fa.objects.push_back(face);
      fa.set_attribute({face.id, "liveness", "live", 0.9F, 0});
      fa.set_attribute({face.id, "age_band", "18-24", 0.9F, 21});
      fa.set_attribute({face.id, "gender", "female", 0.9F, 0});
      fa.set_attribute({face.id, "emotion", "happy", 0.9F, 0});
    }
    GstBuffer* out = gst_harness_push_and_pull(
        h, with_meta(img.buffer, fa, static_cast<GstClockTime>(i) * 100 * GST_MSECOND));
    auto ev = impressions(out);
    events.insert(events.end(), ev.begin(), ev.end());
    gst_buffer_unref(out);
  }
  if (last_creative != nullptr) {
    gchar* c = nullptr;
    GstElement* ov = gst_harness_find_element(h, "adoverlay");
    g_object_get(ov, "current-creative", &c, nullptr);
    gst_object_unref(ov);
    *last_creative = c != nullptr ? c : "";
    g_free(c);
  }
  gst_harness_teardown(h);
  return events;
}

std::string str_member(const retail::Event& e, const char* key) {
  auto n = retail::json::parse(e.payload_json, "payload");
  const gchar* v = json_object_get_string_member(json_node_get_object(n.get()), key);
  return v != nullptr ? v : "";
}
int64_t int_member(const retail::Event& e, const char* key) {
  auto n = retail::json::parse(e.payload_json, "payload");
  return json_object_get_int_member(json_node_get_object(n.get()), key);
}

}  // namespace

TEST(AdOverlay, TargetedCreativeAndImpressionsInTheMetadata) {
  RETAIL_REQUIRE_SHARED();
  // Two young women, happy, from 1 s on: welcome (3 s minimum) then youth-sneakers (priority 40).
  std::string last;
  auto events = play("campaigns-file=" + source_path(kCampaigns), 80, 10, 2, &last);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(str_member(events[0], "creative_id"), "welcome");
  EXPECT_EQ(int_member(events[0], "duration_ms"), 3000);
  EXPECT_EQ(last, "youth-sneakers");
  EXPECT_NE(events[0].payload_json.find("\"age_bands\""), std::string::npos);
}

TEST(AdOverlay, PrivacyEuSkipsDemographicRulesAndFields) {
  RETAIL_REQUIRE_SHARED();
  std::string last;
  auto events = play("privacy=eu campaigns-file=" + source_path(kCampaigns), 80, 10, 2, &last);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(last, "duo-deal");  // youth/spring/smile rules skipped; 2 viewers still count
  for (const auto& e : events) {
    for (const char* word : {"age", "gender", "emotion", "female", "happy", "18-24"})
      EXPECT_EQ(e.payload_json.find(word), std::string::npos) << word << " in " << e.payload_json;
  }
  // The warning at start names the skipped rules.
  const std::string desc = "videotestsrc num-buffers=3 ! adoverlay privacy=eu campaigns-file=" +
                           source_path(kCampaigns) + " ! fakesink";
  auto r = retail::test::run_pipeline(desc, 30);
  EXPECT_EQ(r.error, "");
  int skipped = 0;
  for (const auto& w : r.warnings) skipped += w.find("privacy=eu") != std::string::npos;
  EXPECT_EQ(skipped, 4);  // smile-treat, spring-collection, youth-sneakers, silver-club
}

TEST(AdOverlay, PropertiesRoundTripAndInvalidValues) {
  GstElement* e = gst_element_factory_make("adoverlay", nullptr);
  ASSERT_NE(e, nullptr);
  g_object_set(e, "campaigns-file", "x.json", "draw-boxes", FALSE, "draw-ids", FALSE,
               "draw-liveness", FALSE, "draw-attributes", FALSE, "draw-hud", FALSE, "draw-regions",
               FALSE, "draw-panel", FALSE, "blur-faces", TRUE, "panel-width-fraction", 0.5,
               "panel-opacity", 0.25, "panel-fade-ms", 1000U, "audience-window-ms", 2000U,
               "viewers-require-liveness", FALSE, nullptr);
  gst_util_set_object_arg(G_OBJECT(e), "privacy", "eu");
  gst_util_set_object_arg(G_OBJECT(e), "panel-corner", "top-left");
  gchar* file = nullptr;
  gboolean boxes, ids, live, attrs, hud, regions, panel, blur, require;
  gdouble width, opacity;
  guint fade, window;
  gint privacy, corner;
  g_object_get(e, "campaigns-file", &file, "draw-boxes", &boxes, "draw-ids", &ids, "draw-liveness",
               &live, "draw-attributes", &attrs, "draw-hud", &hud, "draw-regions", &regions,
               "draw-panel", &panel, "blur-faces", &blur, "panel-width-fraction", &width,
               "panel-opacity", &opacity, "panel-fade-ms", &fade, "audience-window-ms", &window,
               "viewers-require-liveness", &require, "privacy", &privacy, "panel-corner", &corner,
               nullptr);
  EXPECT_STREQ(file, "x.json");
  g_free(file);
  EXPECT_FALSE(boxes || ids || live || attrs || hud || regions || panel || require);
  EXPECT_TRUE(blur);
  EXPECT_DOUBLE_EQ(width, 0.5);
  EXPECT_DOUBLE_EQ(opacity, 0.25);
  EXPECT_EQ(fade, 1000U);
  EXPECT_EQ(window, 2000U);
  EXPECT_EQ(privacy, 1);
  EXPECT_EQ(corner, 0);
  // Out-of-range values are refused by GObject and the previous value stays.
  g_object_set(e, "panel-opacity", 1.5, "panel-width-fraction", 0.0, nullptr);
  g_object_get(e, "panel-opacity", &opacity, "panel-width-fraction", &width, nullptr);
  EXPECT_DOUBLE_EQ(opacity, 0.25);
  EXPECT_DOUBLE_EQ(width, 0.5);
  gst_util_set_object_arg(G_OBJECT(e), "panel-corner", "middle");
  g_object_get(e, "panel-corner", &corner, nullptr);
  EXPECT_EQ(corner, 0);
  // Read-only status properties.
  guint64 n = 1;
  g_object_get(e, "impressions", &n, nullptr);
  EXPECT_EQ(n, 0U);
  gst_object_unref(e);
}

TEST(AdOverlay, CapsAcceptRawFormatsAndRefuseOthers) {
  GstElement* e = gst_element_factory_make("adoverlay", nullptr);
  GstPad* sink = gst_element_get_static_pad(e, "sink");
  GstCaps* tmpl = gst_pad_get_pad_template_caps(sink);
  for (const char* f : {"I420", "NV12", "BGRx", "RGBA", "BGR", "GRAY8"}) {
    GstCaps* c = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, f, nullptr);
    EXPECT_TRUE(gst_caps_can_intersect(c, tmpl)) << f;
    gst_caps_unref(c);
  }
  GstCaps* yuy2 = gst_caps_from_string("video/x-raw,format=YUY2");
  EXPECT_FALSE(gst_caps_can_intersect(yuy2, tmpl));
  gst_caps_unref(yuy2);
  gst_caps_unref(tmpl);
  gst_object_unref(sink);
  gst_object_unref(e);
  auto r = retail::test::run_pipeline(
      "videotestsrc num-buffers=2 ! video/x-raw,format=YUY2 ! adoverlay ! fakesink", 30);
  EXPECT_NE(r.error, "");
}

TEST(AdOverlay, BadCampaignsFilesFailStartNamingFileAndPath) {
  struct Case {
    std::string file;
    std::string expect;
  };
  const std::string creative = source_path("configs/creatives/welcome.png");
  const std::vector<Case> cases = {
      {"/nonexistent/campaigns.json", "/nonexistent/campaigns.json"},
      {write_temp("broken.json", "{\"creatives\": ["), "broken.json: invalid JSON"},
      {write_temp("badpath.json", R"({"default_creative": "a", "creatives": [
          {"id": "a", "file": ")" + creative +
                                      R"("},
          {"id": "b", "file": ")" + creative +
                                      R"(", "target": {"live_viewers": {"min": "two"}}}]})"),
       "badpath.json: $.creatives[1].target.live_viewers.min: expected a number"},
      {write_temp("missing.json", R"({"default_creative": "a", "creatives": [
          {"id": "a", "file": "no-such-creative.png"}]})"),
       "missing.json: $.creatives[0].file: creative"},
      {write_temp("notimage.json", R"({"default_creative": "a", "creatives": [
          {"id": "a", "file": "notimage.json"}]})"),
       "notimage.json: $.creatives[0].file: '"},
  };
  for (const auto& c : cases) {
    auto r = retail::test::run_pipeline(
        "videotestsrc num-buffers=2 ! adoverlay campaigns-file=" + c.file + " ! fakesink", 30);
    EXPECT_NE(r.error.find(c.expect), std::string::npos) << "got '" << r.error << "'";
  }
}

TEST(AdOverlay, TwoStateCyclesAndImpressionAtEos) {
  GstElement* p = gst_parse_launch(
      ("videotestsrc num-buffers=20 ! video/x-raw,width=320,height=240,framerate=10/1 ! "
       "adoverlay name=ov campaigns-file=" +
       source_path(kCampaigns) + " ! fakesink")
          .c_str(),
      nullptr);
  ASSERT_NE(p, nullptr);
  GstElement* ov = gst_bin_get_by_name(GST_BIN(p), "ov");
  GstBus* bus = gst_element_get_bus(p);
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_NE(gst_element_set_state(p, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    bool eos = false;
    std::string payload;
    while (!eos) {
      GstMessage* m = gst_bus_timed_pop(bus, 20 * GST_SECOND);
      ASSERT_NE(m, nullptr) << "cycle " << cycle;
      ASSERT_NE(GST_MESSAGE_TYPE(m), GST_MESSAGE_ERROR) << "cycle " << cycle;
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) eos = true;
      const GstStructure* s = gst_message_get_structure(m);
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT &&
          gst_structure_has_name(s, "adoverlay-impression"))
        payload = gst_structure_get_string(s, "payload");
      gst_message_unref(m);
    }
    // The creative on screen at EOS is closed and reported as a message: 20 frames at 10 fps.
    EXPECT_NE(payload.find("\"creative_id\":\"welcome\""), std::string::npos) << payload;
    EXPECT_NE(payload.find("\"duration_ms\":2000"), std::string::npos) << payload;
    guint64 n = 0;
    g_object_get(ov, "impressions", &n, nullptr);
    EXPECT_EQ(n, 1U);
    ASSERT_EQ(gst_element_set_state(p, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref(bus);
  gst_object_unref(ov);
  gst_object_unref(p);
}

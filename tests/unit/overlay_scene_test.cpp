// The overlay scene: what is drawn where, per layer, and what privacy=eu keeps off the screen.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/paths.h"
#include "overlay/blur.h"
#include "overlay/scene.h"

using namespace retail;
using namespace retail::overlay;

namespace {

FrameAnalytics frame_with_face() {
  FrameAnalytics f;
  Object person;
  person.id = 1;
  person.cls = ObjectClass::kPerson;
  person.box = {0.1F, 0.1F, 0.4F, 0.8F};
  person.track_id = 4;
  Object face;
  face.id = 2;
  face.cls = ObjectClass::kFace;
  face.box = {0.25F, 0.25F, 0.125F, 0.25F};
  face.parent_id = 1;
  face.track_id = 9;
  f.objects = {person, face};
  f.set_attribute({2, "liveness", "live", 0.95F, 0});
  f.set_attribute({2, "age_band", "25-34", 0.8F, 29});
  f.set_attribute({2, "gender", "female", 0.9F, 0});
  f.set_attribute({2, "emotion", "happy", 0.7F, 0});
  Region line;
  line.id = "door";
  line.kind = "line";
  line.points = {{0.5F, 0.0F}, {0.5F, 1.0F}};
  line.count_in = 3;
  line.count_out = 1;
  f.regions.push_back(line);
  return f;
}

HudStats stats() {
  HudStats h;
  h.fps = 25;
  h.people_now = 1;
  h.faces_now = 1;
  h.live_viewers = 1;
  h.tracks_seen = 12;
  h.creative = "family";
  return h;
}

campaign::PanelState panel() {
  campaign::PanelState p;
  p.current = 0;
  return p;
}

bool any_contains(const std::vector<std::string>& texts, const std::string& word) {
  for (const auto& t : texts)
    if (t.find(word) != std::string::npos) return true;
  return false;
}

Layers none() { return Layers{false, false, false, false, false, false, false}; }

}  // namespace

TEST(OverlayScene, BoxesInPixels) {
  Config c;
  c.layers = none();
  c.layers.boxes = true;
  const Scene s = build_scene(frame_with_face(), 640, 360, c, stats(), panel(), {});
  ASSERT_EQ(s.strokes.size(), 2U);
  EXPECT_EQ(s.strokes[1].rect, cv::Rect(160, 90, 80, 90));
  EXPECT_TRUE(s.labels.empty());
  EXPECT_FALSE(s.hud.visible);
  EXPECT_FALSE(s.panel.visible);
  EXPECT_TRUE(s.blur.empty());
}

TEST(OverlayScene, EachLayerAddsItsPrimitives) {
  const FrameAnalytics f = frame_with_face();
  Config c;
  c.layers = none();
  EXPECT_TRUE(build_scene(f, 640, 360, c, stats(), panel(), {}).draws_nothing());

  c.layers = none();
  c.layers.ids = true;
  Scene s = build_scene(f, 640, 360, c, stats(), panel(), {});
  ASSERT_EQ(s.labels.size(), 2U);
  EXPECT_EQ(s.labels[0].text, "#4");
  EXPECT_EQ(s.labels[1].text, "#9");

  c.layers = none();
  c.layers.liveness = true;
  s = build_scene(f, 640, 360, c, stats(), panel(), {});
  ASSERT_EQ(s.labels.size(), 1U);
  EXPECT_EQ(s.labels[0].text, "live");

  c.layers = none();
  c.layers.attributes = true;
  s = build_scene(f, 640, 360, c, stats(), panel(), {});
  ASSERT_EQ(s.labels.size(), 1U);
  EXPECT_EQ(s.labels[0].text, "25-34 female happy");
  EXPECT_GE(s.labels[0].anchor.y, 180);  // below the face box
  {
    // Labels without enough evidence are not drawn; all unknown -> "?".
    FrameAnalytics g = f;
    g.set_attribute({2, "gender", "unknown", 0.F, 0.5});
    s = build_scene(g, 640, 360, c, stats(), panel(), {});
    ASSERT_EQ(s.labels.size(), 1U);
    EXPECT_EQ(s.labels[0].text, "25-34 happy");
    g.set_attribute({2, "age_band", "unknown", 0.F, 29});
    g.set_attribute({2, "emotion", "unknown", 0.F, 0});
    s = build_scene(g, 640, 360, c, stats(), panel(), {});
    ASSERT_EQ(s.labels.size(), 1U);
    EXPECT_EQ(s.labels[0].text, "?");
  }

  c.layers = none();
  c.layers.regions = true;
  s = build_scene(f, 640, 360, c, stats(), panel(), {});
  ASSERT_EQ(s.regions.size(), 1U);
  EXPECT_FALSE(s.regions[0].closed);
  EXPECT_EQ(s.regions[0].points[0], cv::Point(320, 0));
  EXPECT_TRUE(any_contains(s.texts(), "door in 3 out 1"));

  c.layers = none();
  c.layers.hud = true;
  s = build_scene(f, 640, 360, c, stats(), panel(), {});
  ASSERT_TRUE(s.hud.visible);
  EXPECT_TRUE(any_contains(s.hud.lines, "fps 25.0"));
  EXPECT_TRUE(any_contains(s.hud.lines, "people now 1"));
  EXPECT_TRUE(any_contains(s.hud.lines, "faces now 1"));
  EXPECT_TRUE(any_contains(s.hud.lines, "live viewers 1"));
  EXPECT_TRUE(any_contains(s.hud.lines, "track ids seen 12"));
  EXPECT_FALSE(any_contains(s.hud.lines, "people counted")) << "track ids are not people";
  // Footfall comes from the counting line (in 3, out 1), not from the 12 track ids.
  EXPECT_TRUE(any_contains(s.hud.lines, "footfall in 3   out 1"));
  EXPECT_FALSE(any_contains(s.hud.lines, "people in zones")) << "no zone on this frame";
  EXPECT_TRUE(any_contains(s.hud.lines, "playing family"));
}

TEST(OverlayScene, PanelCornerSizeOpacity) {
  Config c;
  c.layers = none();
  c.layers.panel = true;
  c.panel_width = 0.25;
  c.panel_opacity = 0.5;
  const std::vector<cv::Size> sizes = {cv::Size(480, 270)};
  Scene s = build_scene({}, 640, 360, c, stats(), panel(), sizes);
  ASSERT_TRUE(s.panel.visible);
  // 160x90 in the bottom-right corner, margin 2% of 360 = 7.
  EXPECT_EQ(s.panel.rect, cv::Rect(640 - 7 - 160, 360 - 7 - 90, 160, 90));
  EXPECT_DOUBLE_EQ(s.panel.opacity, 0.5);
  c.panel_corner = Corner::kTopLeft;
  s = build_scene({}, 640, 360, c, stats(), panel(), sizes);
  EXPECT_EQ(s.panel.rect, cv::Rect(7, 7, 160, 90));
  // Too tall for the frame: shrunk to fit, aspect kept.
  c.panel_width = 1.0;
  s = build_scene({}, 640, 360, c, stats(), panel(), {cv::Size(100, 100)});
  EXPECT_EQ(s.panel.rect.height, 360 - 14);
  EXPECT_EQ(s.panel.rect.width, 360 - 14);
  // No creative chosen (no campaigns): no panel.
  EXPECT_FALSE(build_scene({}, 640, 360, c, stats(), campaign::PanelState{}, sizes).panel.visible);
}

TEST(OverlayScene, PrivacyEuDrawsNoDemographicText) {
  Config c;  // every layer on
  c.privacy = campaign::Privacy::kEu;
  const Scene s = build_scene(frame_with_face(), 640, 360, c, stats(), panel(), {});
  const auto texts = s.texts();
  ASSERT_FALSE(texts.empty());
  for (const char* word : {"25-34", "female", "male", "happy", "age", "gender", "emotion"})
    EXPECT_FALSE(any_contains(texts, word)) << word;
  EXPECT_TRUE(any_contains(texts, "live"));  // liveness is not demographic
  EXPECT_TRUE(any_contains(texts, "#9"));
  Config none_privacy;
  EXPECT_TRUE(any_contains(
      build_scene(frame_with_face(), 640, 360, none_privacy, stats(), panel(), {}).texts(),
      "female"));
}

TEST(OverlayScene, BlurListsEveryFaceIndependentlyOfLayers) {
  Config c;
  c.layers = none();
  c.blur_faces = true;
  const Scene s = build_scene(frame_with_face(), 640, 360, c, stats(), panel(), {});
  ASSERT_EQ(s.blur.size(), 1U);
  EXPECT_EQ(s.blur[0], cv::Rect(160, 90, 80, 90));
  EXPECT_TRUE(s.draws_nothing());
}

TEST(OverlayHud, FpsFromPtsAndDistinctPeople) {
  HudCounter h;
  FrameAnalytics f;
  Object a;
  a.id = 1;
  a.track_id = 5;
  f.objects = {a};
  for (int i = 0; i < 50; ++i) {
    if (i == 20) f.objects[0].track_id = 6;
    if (i == 30) f.objects[0].track_id = 5;  // back again: same person
    h.update(f, i * 40);
  }
  EXPECT_NEAR(h.fps(), 25.0, 0.01);
  EXPECT_EQ(h.tracks_seen(), 2);
}

namespace {
double high_frequency_energy(const cv::Mat& gray) {
  cv::Mat lap;
  cv::Laplacian(gray, lap, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return stddev[0] * stddev[0];
}
}  // namespace

TEST(OverlayBlur, BlursOnlyTheRegionInEveryLayout) {
  const std::string path = paths::media_dir() + "/photos/grace_hopper_512x512.jpg";
  cv::Mat bgr = cv::imread(path);
  if (bgr.empty()) GTEST_SKIP() << "shared media not found: " << path;
  const cv::Rect face(150, 80, 220, 260);
  // Packed BGRx.
  cv::Mat bgrx;
  cv::cvtColor(bgr, bgrx, cv::COLOR_BGR2BGRA);
  const cv::Mat before = bgrx.clone();
  MutableImage img;
  img.format = PixelFormat::kBGRx;
  img.width = bgrx.cols;
  img.height = bgrx.rows;
  img.planes[0] = bgrx.data;
  img.strides[0] = static_cast<int>(bgrx.step);
  blur_region(img, face);
  cv::Mat g0, g1;
  cv::cvtColor(before(face), g0, cv::COLOR_BGRA2GRAY);
  cv::cvtColor(bgrx(face), g1, cv::COLOR_BGRA2GRAY);
  EXPECT_LT(high_frequency_energy(g1), high_frequency_energy(g0) * 0.1);
  cv::Mat outside = cv::Mat::ones(bgrx.size(), CV_8UC1);
  outside(face).setTo(0);
  cv::Mat diff;
  cv::absdiff(before, bgrx, diff);
  cv::Mat diff_gray;
  cv::cvtColor(diff, diff_gray, cv::COLOR_BGRA2GRAY);
  EXPECT_EQ(cv::countNonZero(diff_gray.mul(outside)), 0);
  // Mean colour of the region is kept (a blur, not a black box).
  EXPECT_NEAR(cv::mean(g1)[0], cv::mean(g0)[0], 6.0);

  // Planar I420: Y plane region blurred, rows outside untouched.
  cv::Mat i420;
  cv::cvtColor(bgr, i420, cv::COLOR_BGR2YUV_I420);
  const cv::Mat i420_before = i420.clone();
  MutableImage y;
  y.format = PixelFormat::kI420;
  y.width = bgr.cols;
  y.height = bgr.rows;
  y.planes[0] = i420.data;
  y.planes[1] = i420.data + bgr.cols * bgr.rows;
  y.planes[2] = y.planes[1] + (bgr.cols / 2) * (bgr.rows / 2);
  y.strides[0] = bgr.cols;
  y.strides[1] = y.strides[2] = bgr.cols / 2;
  blur_region(y, face);
  const cv::Mat y0 = i420_before(cv::Rect(0, 0, bgr.cols, bgr.rows));
  const cv::Mat y1 = i420(cv::Rect(0, 0, bgr.cols, bgr.rows));
  EXPECT_LT(high_frequency_energy(y1(face)), high_frequency_energy(y0(face)) * 0.1);
  EXPECT_EQ(
      cv::norm(y0(cv::Rect(0, 0, bgr.cols, 80)), y1(cv::Rect(0, 0, bgr.cols, 80)), cv::NORM_INF),
      0.0);
  EXPECT_GT(cv::norm(i420_before, i420, cv::NORM_L1), 0.0);
}

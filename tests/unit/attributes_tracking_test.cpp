// Attributes core without the networks: age bands, per-track evidence fusion (gender log-odds,
// median age band with hysteresis, smoothed expression, "unknown" until confident), face quality,
// recheck interval, privacy modes, driven by scripted model outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <deque>

#include "attributes/attributes.h"
#include "common/error.h"

using retail::FrameAnalytics;
using retail::ObjectClass;
using retail::attributes::AgeGender;
using retail::attributes::Analyzer;
using retail::attributes::Config;
using retail::attributes::Expression;
using retail::attributes::Models;
using retail::attributes::Privacy;

namespace {

// A textured frame (noise), so the sharpness factor of the face quality is high.
struct Frame {
  cv::Mat pixels = [] {
    cv::Mat m(480, 640, CV_8UC3);
    cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(255));
    return m;
  }();
  retail::ImageView view = retail::ImageView::from_mat(pixels, retail::PixelFormat::kBGR);
};

// A frontal face (landmarks of a face looking at the camera), detector score 0.9.
FrameAnalytics face_frame(uint64_t track_id, float size_px = 100.F) {
  FrameAnalytics fa;
  retail::Object f;
  f.id = 3;
  f.cls = ObjectClass::kFace;
  f.box = {0.3F, 0.2F, size_px / 640.F, size_px / 480.F};
  f.track_id = track_id;
  f.confidence = 0.9F;
  const auto at = [&](float u, float v) {
    return retail::Point{f.box.x + u * f.box.w, f.box.y + v * f.box.h};
  };
  f.landmarks = {at(0.3F, 0.4F), at(0.7F, 0.4F), at(0.5F, 0.58F), at(0.35F, 0.75F),
                 at(0.65F, 0.75F)};
  fa.objects.push_back(f);
  return fa;
}

Expression one_hot(int i, float p = 0.8F) {
  Expression e{};
  e.fill((1.F - p) / 6.F);
  e[static_cast<size_t>(i)] = p;
  return e;
}

struct Script {
  std::deque<AgeGender> ages;
  std::deque<Expression> expressions;
  int age_calls = 0;
  int expression_calls = 0;
  Models models() {
    Models m;
    m.age_gender = [this](const cv::Mat& in) {
      EXPECT_EQ(in.size(), cv::Size(112, 112));
      ++age_calls;
      AgeGender a = ages.front();
      if (ages.size() > 1) ages.pop_front();
      return a;
    };
    m.expression = [this](const cv::Mat&) {
      ++expression_calls;
      Expression e = expressions.front();
      if (expressions.size() > 1) expressions.pop_front();
      return e;
    };
    return m;
  }
};

std::string label(const FrameAnalytics& fa, const char* name) {
  const auto* a = fa.attribute(3, name);
  return a != nullptr ? a->label : "";
}

}  // namespace

TEST(AttributesBands, CoverEveryAge) {
  using retail::attributes::age_band;
  EXPECT_STREQ(age_band(4.F), "<18");
  EXPECT_STREQ(age_band(17.9F), "<18");
  EXPECT_STREQ(age_band(18.F), "18-24");
  EXPECT_STREQ(age_band(30.F), "25-34");
  EXPECT_STREQ(age_band(44.9F), "35-44");
  EXPECT_STREQ(age_band(45.F), "45-54");
  EXPECT_STREQ(age_band(64.F), "55-64");
  EXPECT_STREQ(age_band(80.F), "65+");
}

TEST(AttributesPrivacy, ParsesNamesAndRejectsOthers) {
  using retail::attributes::privacy_from_string;
  EXPECT_EQ(privacy_from_string("full"), Privacy::kFull);
  EXPECT_EQ(privacy_from_string("no-emotion"), Privacy::kNoEmotion);
  EXPECT_EQ(privacy_from_string("eu"), Privacy::kEu);
  EXPECT_THROW(privacy_from_string("gdpr"), retail::Error);
  Config c;
  c.window = 0;
  EXPECT_THROW(c.validate(), retail::Error);
}

TEST(AttributesAnalyzer, FusesATrackAndReadsEveryKFrames) {
  Config c;
  c.recheck_interval_frames = 10;
  c.gender_decide = 3.0;
  c.gender_reading_cap = 2.5;
  c.age_min_readings = 3;
  c.age_max_spread_years = 5.0;
  Script s;
  s.ages = {{30.F, 0.9F}, {33.F, 0.7F}, {29.F, 0.8F}};
  s.expressions = {one_hot(1), one_hot(0, 0.5F), one_hot(1)};
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics fa;
  for (int i = 0; i < 10; ++i) {
    fa = face_frame(8);
    a.process(f.view, fa);
  }
  // One reading is not enough for anything.
  EXPECT_EQ(label(fa, "age_band"), "unknown");
  EXPECT_NEAR(fa.attribute(3, "age_band")->value, 30.0, 1e-4);
  EXPECT_EQ(label(fa, "gender"), "unknown");
  EXPECT_EQ(fa.attribute(3, "gender")->confidence, 0.F);
  EXPECT_EQ(label(fa, "emotion"), "unknown");
  for (int i = 10; i < 30; ++i) {
    fa = face_frame(8);
    a.process(f.view, fa);
  }
  EXPECT_EQ(s.age_calls, 3);  // frames 10, 20, 30
  EXPECT_EQ(s.expression_calls, 3);
  EXPECT_EQ(a.stats().age_gender_invocations, 3U);
  EXPECT_EQ(a.stats().eligible_faces, 30U);
  EXPECT_EQ(a.stats().low_quality_readings, 0U);
  // Three readings within 1 year (MAD) of their median 30, well inside 25-34: band published.
  EXPECT_EQ(label(fa, "age_band"), "25-34");
  EXPECT_NEAR(fa.attribute(3, "age_band")->value, 30.0, 1e-4);  // median of 30, 33, 29
  // log-odds 2.20 + 0.85 + 1.39, x quality ~0.8: past 3.0.
  const auto* tr = a.track(8);
  ASSERT_NE(tr, nullptr);
  EXPECT_GT(std::log(tr->p_male() / (1 - tr->p_male())), 3.0);
  EXPECT_EQ(label(fa, "gender"), "male");
  EXPECT_GT(fa.attribute(3, "gender")->confidence, 0.95F);
  // The happy lead (0.8, 0.5 neutral, 0.8) is not yet 0.5 of the smoothed distribution.
  EXPECT_EQ(label(fa, "emotion"), "unknown");
  for (int i = 30; i < 60; ++i) {
    fa = face_frame(8);
    a.process(f.view, fa);
  }
  EXPECT_EQ(label(fa, "emotion"), "happy");
  EXPECT_GE(fa.attribute(3, "emotion")->confidence, 0.5F);
}

TEST(AttributesAnalyzer, GenderFlipsOnlyOnStrongContraryEvidence) {
  Config c;
  c.recheck_interval_frames = 1;
  Script s;
  for (int i = 0; i < 4; ++i) s.ages.push_back({30.F, 0.95F});
  s.ages.push_back({30.F, 0.2F});  // one contrary reading
  s.ages.push_back({30.F, 0.2F});
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics fa;
  for (int i = 0; i < 4; ++i) {
    fa = face_frame(2);
    a.process(f.view, fa);
  }
  ASSERT_EQ(label(fa, "gender"), "male");
  fa = face_frame(2);
  a.process(f.view, fa);
  EXPECT_EQ(label(fa, "gender"), "male") << "one contrary reading does not flip it";
  // Sustained contrary readings first release it to unknown, then publish the other side.
  std::string seen;
  for (int i = 0; i < 30; ++i) {
    fa = face_frame(2);
    a.process(f.view, fa);
    const std::string l = label(fa, "gender");
    if (seen.empty() || seen.substr(seen.rfind(' ') + 1) != l) seen += " " + l;
  }
  EXPECT_EQ(seen, " male unknown female");
}

TEST(AttributesAnalyzer, AgeBandMovesOnlyPastTheHysteresis) {
  Config c;
  c.recheck_interval_frames = 1;
  c.age_min_readings = 3;
  c.window = 5;
  c.age_band_hysteresis_years = 3.0;
  Script s;
  // 33, 32, 33 -> 25-34 (1.5 years inside its upper edge); then readings at 36-37 (median just over
  // the edge: stays), then 40.
  s.ages = {{33.F, 0.5F}, {32.F, 0.5F}, {33.F, 0.5F}, {36.F, 0.5F}, {37.F, 0.5F},
            {36.F, 0.5F}, {37.F, 0.5F}, {36.F, 0.5F}, {40.F, 0.5F}};
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics fa;
  std::vector<std::string> bands;
  std::vector<double> medians;
  for (int i = 0; i < 14; ++i) {
    fa = face_frame(6);
    a.process(f.view, fa);
    bands.push_back(label(fa, "age_band"));
    medians.push_back(fa.attribute(3, "age_band")->value);
  }
  EXPECT_EQ(bands[1], "unknown");
  EXPECT_EQ(bands[2], "25-34");
  EXPECT_GE(medians[7], 35.0) << "the median crossed the 35 edge";
  EXPECT_EQ(bands[7], "25-34") << "but not by the 3-year margin";
  EXPECT_EQ(bands[13], "35-44") << "median 40 (last five readings) is past 38";
}

TEST(AttributesAnalyzer, ScatteredAgesPublishNoBand) {
  Config c;
  c.recheck_interval_frames = 1;
  c.age_max_spread_years = 5.0;
  Script s;
  s.ages = {{20.F, 0.5F}, {45.F, 0.5F}, {30.F, 0.5F}, {60.F, 0.5F}, {18.F, 0.5F}};
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics fa;
  for (int i = 0; i < 5; ++i) {
    fa = face_frame(6);
    a.process(f.view, fa);
  }
  EXPECT_EQ(label(fa, "age_band"), "unknown");  // MAD 12 years
}

TEST(AttributesQuality, SizeFrontalnessSharpnessAndScore) {
  Frame f;
  const auto quality = [&](const FrameAnalytics& fa, const cv::Mat& pixels) {
    const auto view = retail::ImageView::from_mat(pixels, retail::PixelFormat::kBGR);
    const auto& o = fa.objects.front();
    const cv::Rect px = view.to_pixels(o.box);
    return retail::attributes::face_quality(view, o, px, retail::attributes::face_input(view, px),
                                            100.0);
  };
  const FrameAnalytics frontal = face_frame(1, 112.F);
  const auto q = quality(frontal, f.pixels);
  EXPECT_NEAR(q.size, 1.0, 0.02);
  EXPECT_GT(q.frontal, 0.95);
  EXPECT_GT(q.sharpness, 0.99);
  EXPECT_NEAR(q.detector, 0.9, 1e-6);
  EXPECT_NEAR(q.total, q.size * q.frontal * q.sharpness * q.detector, 1e-9);
  // Nose at the left eye: a profile.
  FrameAnalytics profile = frontal;
  profile.objects[0].landmarks[2] = profile.objects[0].landmarks[0];
  EXPECT_LT(quality(profile, f.pixels).frontal, 0.1);
  // Small face.
  EXPECT_NEAR(quality(face_frame(1, 56.F), f.pixels).size, 0.5, 0.02);
  // A flat (blurred-out) face has no sharpness.
  const cv::Mat flat(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
  EXPECT_LT(quality(frontal, flat).sharpness, 0.01);
  // No landmarks: pose unknown, half weight.
  FrameAnalytics bare = frontal;
  bare.objects[0].landmarks.clear();
  EXPECT_DOUBLE_EQ(quality(bare, f.pixels).frontal, 0.5);
}

TEST(AttributesAnalyzer, LowQualityReadingsCountForNothing) {
  Config c;
  c.recheck_interval_frames = 1;
  c.min_quality = 0.25;
  Script s;
  s.ages = {{30.F, 0.99F}};
  s.expressions = {one_hot(1, 0.99F)};
  Analyzer a(c, s.models());
  const cv::Mat flat(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));  // no detail: sharpness 0
  const auto view = retail::ImageView::from_mat(flat, retail::PixelFormat::kBGR);
  FrameAnalytics fa;
  for (int i = 0; i < 20; ++i) {
    fa = face_frame(4);
    a.process(view, fa);
  }
  EXPECT_EQ(s.age_calls, 20);
  EXPECT_EQ(a.stats().low_quality_readings, 20U);
  EXPECT_EQ(label(fa, "gender"), "unknown");
  EXPECT_EQ(label(fa, "age_band"), "unknown");
  EXPECT_EQ(label(fa, "emotion"), "unknown");
}

TEST(AttributesAnalyzer, UntrackedFacesAreEvaluatedEveryFrame) {
  Script s;
  s.ages = {{70.F, 0.01F}, {10.F, 0.2F}};
  s.expressions = {one_hot(6)};
  Config c;
  c.gender_reading_cap = 6.0;  // let one excellent reading decide
  c.age_min_readings = 1;
  c.expression_min_weight = 0.5;
  c.expression_publish = 0.2;
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics one = face_frame(0);
  a.process(f.view, one);
  EXPECT_EQ(label(one, "age_band"), "65+");
  EXPECT_EQ(label(one, "gender"), "female");
  EXPECT_EQ(label(one, "emotion"), "surprised");
  FrameAnalytics two = face_frame(0);
  a.process(f.view, two);
  EXPECT_EQ(label(two, "age_band"), "<18");    // no fusion without a track
  EXPECT_EQ(label(two, "gender"), "unknown");  // p_male 0.2 alone is not enough
  EXPECT_EQ(s.age_calls, 2);
  // With the defaults one reading never publishes an age band.
  Script d;
  d.ages = {{70.F, 0.01F}};
  d.expressions = {one_hot(6)};
  Analyzer strict(Config{}, d.models());
  FrameAnalytics three = face_frame(0);
  strict.process(f.view, three);
  EXPECT_EQ(label(three, "age_band"), "unknown");
  EXPECT_NEAR(three.attribute(3, "age_band")->value, 70.0, 1e-4);
}

TEST(AttributesAnalyzer, SmallFacesAreNotEvaluated) {
  Script s;
  s.ages = {{30.F, 0.9F}};
  s.expressions = {one_hot(1)};
  Analyzer a(Config{}, s.models());
  Frame f;
  FrameAnalytics fa = face_frame(4, 20.F);
  a.process(f.view, fa);
  EXPECT_TRUE(fa.attributes.empty());
  EXPECT_EQ(s.age_calls, 0);
}

TEST(AttributesAnalyzer, NoEmotionNeverRunsTheExpressionModel) {
  Config c;
  c.privacy = Privacy::kNoEmotion;
  c.recheck_interval_frames = 1;
  Script s;
  s.ages = {{30.F, 0.9F}};
  s.expressions = {one_hot(1)};
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics fa = face_frame(2);
  retail::Attribute upstream{3, "emotion", "sad", 0.9F, 0.0};
  fa.attributes.push_back(upstream);
  a.process(f.view, fa);
  EXPECT_NE(fa.attribute(3, "gender"), nullptr);
  EXPECT_EQ(fa.attribute(3, "emotion"), nullptr);
  EXPECT_EQ(s.expression_calls, 0);
}

TEST(AttributesAnalyzer, EuWritesAndRunsNothing) {
  Config c;
  c.privacy = Privacy::kEu;
  c.recheck_interval_frames = 1;
  Script s;
  s.ages = {{30.F, 0.9F}};
  s.expressions = {one_hot(1)};
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics fa = face_frame(2);
  fa.attributes.push_back({3, "gender", "male", 0.9F, 0.0});
  fa.attributes.push_back({3, "liveness", "live", 0.9F, 0.0});
  a.process(f.view, fa);
  ASSERT_EQ(fa.attributes.size(), 1U);  // only liveness survives
  EXPECT_EQ(fa.attributes[0].name, "liveness");
  EXPECT_EQ(s.age_calls + s.expression_calls, 0);
}

TEST(AttributesAnalyzer, StateExpiresWithTheTrack) {
  Script s;
  s.ages = {{30.F, 0.9F}};
  s.expressions = {one_hot(1)};
  Config c;
  c.recheck_interval_frames = 3;
  Analyzer a(c, s.models());
  Frame f;
  for (int i = 0; i < 2; ++i) {
    FrameAnalytics fa = face_frame(5);
    a.process(f.view, fa);
  }
  EXPECT_EQ(a.stats().active_tracks, 1U);
  FrameAnalytics empty;
  a.process(f.view, empty);
  EXPECT_EQ(a.stats().active_tracks, 0U);
  for (int i = 0; i < 2; ++i) {
    FrameAnalytics again = face_frame(5);
    a.process(f.view, again);
  }
  EXPECT_EQ(s.age_calls, 0) << "a returning id is a new track: its frame count restarts";
  FrameAnalytics third = face_frame(5);
  a.process(f.view, third);
  EXPECT_EQ(s.age_calls, 1);
}

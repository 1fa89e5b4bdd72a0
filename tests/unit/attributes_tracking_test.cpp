// Attributes core without the networks: age bands, per-track smoothing and recheck interval,
// dominant expression over the window, privacy modes, driven by scripted model outputs.
#include <gtest/gtest.h>

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

struct Frame {
  cv::Mat pixels = cv::Mat(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
  retail::ImageView view = retail::ImageView::from_mat(pixels, retail::PixelFormat::kBGR);
};

FrameAnalytics face_frame(uint64_t track_id, float size_px = 100.F) {
  FrameAnalytics fa;
  retail::Object f;
  f.id = 3;
  f.cls = ObjectClass::kFace;
  f.box = {0.3F, 0.2F, size_px / 640.F, size_px / 480.F};
  f.track_id = track_id;
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

TEST(AttributesAnalyzer, SmoothsATrackAndRecomputesEveryKFrames) {
  Config c;
  c.recheck_interval_frames = 10;
  c.window = 4;
  Script s;
  s.ages = {{30.F, 0.9F}, {38.F, 0.7F}, {34.F, 0.8F}};
  s.expressions = {one_hot(1), one_hot(0, 0.5F), one_hot(1)};
  Analyzer a(c, s.models());
  Frame f;
  FrameAnalytics fa;
  for (int i = 0; i < 30; ++i) {
    fa = face_frame(8);
    a.process(f.view, fa);
  }
  EXPECT_EQ(s.age_calls, 3);  // frames 10, 20, 30
  EXPECT_EQ(s.expression_calls, 3);
  EXPECT_EQ(a.stats().age_gender_invocations, 3U);
  EXPECT_EQ(a.stats().eligible_faces, 30U);
  EXPECT_EQ(label(fa, "age_band"), "25-34");
  EXPECT_NEAR(fa.attribute(3, "age_band")->value, 34.0, 1e-4);  // mean of 30, 38, 34
  EXPECT_EQ(label(fa, "gender"), "male");
  EXPECT_NEAR(fa.attribute(3, "gender")->confidence, 0.8F, 1e-4);
  EXPECT_EQ(label(fa, "emotion"), "happy");  // dominant over the window despite one neutral
}

TEST(AttributesAnalyzer, UntrackedFacesAreEvaluatedEveryFrame) {
  Script s;
  s.ages = {{70.F, 0.1F}, {10.F, 0.2F}};
  s.expressions = {one_hot(6)};
  Analyzer a(Config{}, s.models());
  Frame f;
  FrameAnalytics one = face_frame(0);
  a.process(f.view, one);
  EXPECT_EQ(label(one, "age_band"), "65+");
  EXPECT_EQ(label(one, "gender"), "female");
  EXPECT_EQ(label(one, "emotion"), "surprised");
  FrameAnalytics two = face_frame(0);
  a.process(f.view, two);
  EXPECT_EQ(label(two, "age_band"), "<18");  // no smoothing without a track
  EXPECT_EQ(s.age_calls, 2);
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
  EXPECT_EQ(label(fa, "gender"), "male");
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

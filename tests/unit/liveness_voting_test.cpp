// Liveness core without the networks: Silent-Face crop geometry, the per-track vote, the recheck
// interval, the size gate, state expiry, events and drop-spoofs, driven by scripted scores.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "common/error.h"
#include "liveness/liveness.h"

using retail::FrameAnalytics;
using retail::ObjectClass;
using retail::liveness::Analyzer;
using retail::liveness::Check;
using retail::liveness::Config;
using retail::liveness::Decision;
using retail::liveness::Voter;

namespace {

Check live(float s = 0.9F) { return Check{1, s, s}; }
Check spoof(float s = 0.9F) { return Check{2, s, (1.F - s) / 2.F}; }

// A 640x480 gray frame (pixels are not looked at by scripted scorers).
struct Frame {
  cv::Mat pixels = cv::Mat(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
  retail::ImageView view = retail::ImageView::from_mat(pixels, retail::PixelFormat::kBGR);
};

FrameAnalytics face_frame(uint64_t track_id, float size_px = 120.F, uint64_t parent = 0) {
  FrameAnalytics fa;
  if (parent != 0) {
    retail::Object p;
    p.id = parent;
    p.cls = ObjectClass::kPerson;
    p.box = {0.1F, 0.1F, 0.5F, 0.8F};
    fa.objects.push_back(p);
  }
  retail::Object f;
  f.id = 7;
  f.cls = ObjectClass::kFace;
  f.box = {0.3F, 0.2F, size_px / 640.F, size_px / 480.F};
  f.parent_id = parent;
  f.track_id = track_id;
  fa.objects.push_back(f);
  if (track_id != 0) {
    retail::Track t;
    t.track_id = track_id;
    t.object_id = f.id;
    t.cls = ObjectClass::kFace;
    t.state = retail::TrackState::kTracked;
    fa.tracks.push_back(t);
  }
  return fa;
}

// A scorer replaying a script (and counting calls).
struct Script {
  std::deque<Check> checks;
  int calls = 0;
  retail::liveness::Scorer scorer() {
    return [this](const retail::ImageView&, const cv::Rect2f&) {
      ++calls;
      Check c = checks.front();
      if (checks.size() > 1) checks.pop_front();
      return c;
    };
  }
};

}  // namespace

TEST(LivenessCrop, FollowsSilentFaceCropImage) {
  // Inside the image: box 100,100 100x100 scaled x2.7 around its centre (150,150).
  const cv::Rect r = retail::liveness::silent_face_crop(640, 480, {100, 100, 100, 100}, 2.7F);
  EXPECT_EQ(r, cv::Rect(15, 15, 271, 271));
  // Near the top-left corner the crop is shifted, not shrunk.
  const cv::Rect s = retail::liveness::silent_face_crop(640, 480, {10, 10, 100, 100}, 2.7F);
  EXPECT_EQ(s.x, 0);
  EXPECT_EQ(s.y, 0);
  EXPECT_EQ(s.width, 271);
  EXPECT_EQ(s.height, 271);
  // A scale that cannot fit is capped to (src-1)/box: x4.0 of a 200 px box in 480 rows.
  const cv::Rect t = retail::liveness::silent_face_crop(640, 480, {200, 100, 200, 200}, 4.0F);
  EXPECT_LE(t.y + t.height, 480);
  EXPECT_LE(t.x + t.width, 640);
  EXPECT_GE(t.height, 478);
}

TEST(LivenessVoter, UnknownUntilMinVotesThenDecides) {
  Config c;  // votes 5, min 3, threshold 0.7
  Voter v(c);
  v.add(live());
  v.add(live());
  EXPECT_EQ(v.decision(), Decision::kUnknown);
  v.add(live());
  EXPECT_EQ(v.decision(), Decision::kLive);
  EXPECT_GT(v.confidence(), 0.8F);
  Voter s(c);
  for (int i = 0; i < 3; ++i) s.add(spoof(0.8F));
  EXPECT_EQ(s.decision(), Decision::kSpoof);
  EXPECT_NEAR(s.confidence(), 0.8F, 1e-4);
}

TEST(LivenessVoter, SingleOutlierDoesNotFlip) {
  Config c;
  Voter v(c);
  for (int i = 0; i < 5; ++i) v.add(live());
  v.add(spoof(0.99F));  // one confident outlier
  EXPECT_EQ(v.decision(), Decision::kLive);
  Voter s(c);
  for (int i = 0; i < 5; ++i) s.add(spoof());
  s.add(live(0.99F));
  EXPECT_EQ(s.decision(), Decision::kSpoof);
}

TEST(LivenessVoter, AlternatingChecksDoNotFlipTheDecision) {
  Config c;
  Voter v(c);
  for (int i = 0; i < 5; ++i) v.add(live());
  std::vector<Decision> seen;
  for (int i = 0; i < 20; ++i) {
    v.add(i % 2 == 0 ? spoof() : live());
    seen.push_back(v.decision());
  }
  for (Decision d : seen) EXPECT_EQ(d, Decision::kLive);
  // An alternating track that never had a majority stays unknown rather than flapping.
  Voter u(c);
  for (int i = 0; i < 20; ++i) {
    u.add(i % 2 == 0 ? spoof() : live());
    EXPECT_EQ(u.decision(), Decision::kUnknown) << "after check " << i;
  }
  // A sustained change of evidence still changes the decision.
  for (int i = 0; i < 5; ++i) v.add(spoof());
  EXPECT_EQ(v.decision(), Decision::kSpoof);
}

TEST(LivenessConfig, RejectsOutOfRangeValues) {
  Config c;
  c.votes = 0;
  EXPECT_THROW(c.validate(), retail::Error);
  c = Config{};
  c.min_votes = 9;
  EXPECT_THROW(c.validate(), retail::Error);
  c = Config{};
  c.vote_threshold = 0.5F;
  EXPECT_THROW(c.validate(), retail::Error);
  c = Config{};
  c.recheck_interval_frames = 0;
  try {
    c.validate();
    FAIL() << "no error";
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), retail::ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("recheck-interval-frames"), std::string::npos);
  }
  EXPECT_NO_THROW(Config{}.validate());
}

TEST(LivenessAnalyzer, ChecksATrackOncePerKFrames) {
  Config c;
  c.recheck_interval_frames = 5;
  Script s;
  s.checks = {live()};
  Analyzer a(c, s.scorer());
  Frame f;
  for (int i = 0; i < 20; ++i) {
    FrameAnalytics fa = face_frame(42);
    a.process(f.view, fa);
  }
  EXPECT_EQ(s.calls, 4);  // frames 5, 10, 15, 20
  EXPECT_EQ(a.stats().model_invocations, 4U);
  EXPECT_EQ(a.stats().eligible_faces, 20U);
  EXPECT_EQ(a.stats().active_tracks, 1U);
}

TEST(LivenessAnalyzer, SizeGateSkipsSmallFaces) {
  Config c;
  Script s;
  s.checks = {live()};
  Analyzer a(c, s.scorer());
  Frame f;
  for (int i = 0; i < 10; ++i) {
    FrameAnalytics fa = face_frame(3, 60.F);  // below the default 80 px
    a.process(f.view, fa);
    ASSERT_NE(fa.attribute(7, "liveness"), nullptr);
    EXPECT_EQ(fa.attribute(7, "liveness")->label, "unknown");
  }
  EXPECT_EQ(s.calls, 0);
  EXPECT_EQ(a.stats().eligible_faces, 0U);
}

TEST(LivenessAnalyzer, SpoofTrackGetsOneEventAndPersonAttribute) {
  Config c;
  c.recheck_interval_frames = 1;
  Script s;
  s.checks = {spoof(0.8F)};
  Analyzer a(c, s.scorer());
  Frame f;
  int events = 0;
  for (int i = 0; i < 10; ++i) {
    FrameAnalytics fa = face_frame(5, 120.F, /*parent=*/1);
    a.process(f.view, fa);
    for (const auto& e : fa.events) {
      EXPECT_EQ(e.type, "liveness_rejected");
      EXPECT_NE(e.payload_json.find("\"track_id\":5"), std::string::npos) << e.payload_json;
      EXPECT_NE(e.payload_json.find("\"votes\":3"), std::string::npos) << e.payload_json;
      ++events;
    }
    if (i >= 2) {
      EXPECT_EQ(fa.attribute(7, "liveness")->label, "spoof");
      ASSERT_NE(fa.attribute(1, "liveness"), nullptr) << "owning person gets the attribute";
      EXPECT_EQ(fa.attribute(1, "liveness")->label, "spoof");
    }
  }
  EXPECT_EQ(events, 1);
  EXPECT_EQ(a.stats().spoof_tracks, 1U);
}

TEST(LivenessAnalyzer, DropSpoofsRemovesFaceAttributesAndTrack) {
  Config c;
  c.recheck_interval_frames = 1;
  c.drop_spoofs = true;
  Script s;
  s.checks = {spoof()};
  Analyzer a(c, s.scorer());
  Frame f;
  FrameAnalytics fa;
  for (int i = 0; i < 3; ++i) {
    fa = face_frame(9, 120.F, 1);
    a.process(f.view, fa);
  }
  EXPECT_EQ(fa.count(ObjectClass::kFace), 0U);
  EXPECT_EQ(fa.count(ObjectClass::kPerson), 1U);
  EXPECT_EQ(fa.attribute(7, "liveness"), nullptr);
  EXPECT_TRUE(fa.tracks.empty());
  EXPECT_EQ(a.stats().dropped_faces, 1U);
}

TEST(LivenessAnalyzer, StateExpiresWithTheTrack) {
  Config c;
  Script s;
  s.checks = {live()};
  Analyzer a(c, s.scorer());
  Frame f;
  for (int i = 0; i < 3; ++i) {
    FrameAnalytics fa = face_frame(11);
    a.process(f.view, fa);
  }
  EXPECT_EQ(a.stats().active_tracks, 1U);
  // A lost track still listed in tracks[] keeps its state...
  FrameAnalytics lost;
  retail::Track t;
  t.track_id = 11;
  t.cls = ObjectClass::kFace;
  t.state = retail::TrackState::kLost;
  lost.tracks.push_back(t);
  a.process(f.view, lost);
  EXPECT_EQ(a.stats().active_tracks, 1U);
  // ...and is forgotten once the tracker drops it; the same id starts from scratch.
  FrameAnalytics empty;
  a.process(f.view, empty);
  EXPECT_EQ(a.stats().active_tracks, 0U);
  FrameAnalytics again = face_frame(11);
  a.process(f.view, again);
  EXPECT_EQ(again.attribute(7, "liveness")->label, "unknown");
}

TEST(LivenessAnalyzer, UntrackedFacesAreCheckedEveryFrame) {
  Config c;
  Script s;
  s.checks = {spoof(0.7F), live(0.95F)};
  Analyzer a(c, s.scorer());
  Frame f;
  FrameAnalytics first = face_frame(0);
  a.process(f.view, first);
  EXPECT_EQ(first.attribute(7, "liveness")->label, "spoof");
  EXPECT_TRUE(first.events.empty()) << "events are per track";
  FrameAnalytics second = face_frame(0);
  a.process(f.view, second);
  EXPECT_EQ(second.attribute(7, "liveness")->label, "live");
  EXPECT_NEAR(second.attribute(7, "liveness")->confidence, 0.95F, 1e-5);
  EXPECT_EQ(s.calls, 2);
  EXPECT_EQ(a.stats().active_tracks, 0U);
}

TEST(LivenessAnalyzer, FramesWithoutFacesPassUnchanged) {
  Script s;
  s.checks = {live()};
  Analyzer a(Config{}, s.scorer());
  Frame f;
  FrameAnalytics fa;
  retail::Object p;
  p.id = 1;
  fa.objects.push_back(p);
  a.process(f.view, fa);
  EXPECT_EQ(fa.objects.size(), 1U);
  EXPECT_TRUE(fa.attributes.empty());
  EXPECT_TRUE(fa.events.empty());
  EXPECT_EQ(s.calls, 0);
}

TEST(LivenessAnalyzer, PredictedAndOverhangingBoxes) {
  Config c;
  c.recheck_interval_frames = 1;
  Script s;
  s.checks = {live()};
  Analyzer a(c, s.scorer());
  Frame f;
  FrameAnalytics predicted = face_frame(4);
  predicted.objects[0].predicted = true;  // the tracker's guess on a skipped frame
  a.process(f.view, predicted);
  EXPECT_EQ(s.calls, 0);
  EXPECT_EQ(predicted.attribute(7, "liveness")->label, "unknown");
  // A box hanging over the frame's edge is checked on its visible part, without error.
  FrameAnalytics overhang = face_frame(4);
  overhang.objects[0].box = {0.85F, 0.7F, 0.3F, 0.4F};
  EXPECT_NO_THROW(a.process(f.view, overhang));
  EXPECT_EQ(s.calls, 1);
}

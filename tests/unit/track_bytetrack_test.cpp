// ByteTracker on synthetic motion: steady boxes, occlusion, crossing, low-score association,
// frames the detector skipped.
#include <gtest/gtest.h>

#include <set>

#include "common/error.h"
#include "track/byte_tracker.h"

using retail::Box;
using retail::track::ByteTracker;
using retail::track::Config;
using retail::track::Detection;
using retail::track::FrameResult;

namespace {

constexpr int64_t kFrameNs = 33333333;

Config cfg() {
  Config c;
  c.frame_rate = 30.0;
  return c;
}

uint64_t id_of_detection(const FrameResult& r, int det) {
  for (const auto& t : r.tracks) {
    if (t.detection == det) return t.track_id;
  }
  return 0;
}

}  // namespace

TEST(ByteTracker, SteadyBoxKeepsOneIdFor30Frames) {
  ByteTracker tracker(cfg());
  std::set<uint64_t> ids;
  int started = 0;
  for (int f = 0; f < 30; ++f) {
    const Box b{100.F + 4.F * f, 200.F + 1.F * f, 40.F, 100.F};
    FrameResult r = tracker.update({{b, 0.9F}}, f * kFrameNs);
    ASSERT_EQ(r.tracks.size(), 1U) << "frame " << f;
    ids.insert(r.tracks[0].track_id);
    started += r.tracks[0].started ? 1 : 0;
    EXPECT_GT(retail::iou(r.tracks[0].box, b), 0.8F);
  }
  EXPECT_EQ(ids.size(), 1U);
  EXPECT_EQ(started, 1);
}

TEST(ByteTracker, OcclusionOf10FramesIsRefoundWithSameId) {
  ByteTracker tracker(cfg());
  uint64_t id = 0;
  bool was_lost = false;
  for (int f = 0; f < 40; ++f) {
    const Box b{100.F + 5.F * f, 150.F, 40.F, 100.F};
    const bool occluded = f >= 15 && f < 25;
    FrameResult r = tracker.update(
        occluded ? std::vector<Detection>{} : std::vector<Detection>{{b, 0.85F}}, f * kFrameNs);
    if (occluded) {
      EXPECT_TRUE(r.tracks.empty()) << "frame " << f;
      ASSERT_EQ(r.lost.size(), 1U) << "frame " << f;
      EXPECT_EQ(r.lost[0].track_id, id);
      was_lost = true;
      EXPECT_TRUE(r.ended.empty());
      continue;
    }
    ASSERT_EQ(r.tracks.size(), 1U) << "frame " << f;
    if (id == 0) id = r.tracks[0].track_id;
    EXPECT_EQ(r.tracks[0].track_id, id) << "frame " << f;
    if (f == 25) {
      EXPECT_FALSE(r.tracks[0].started);
      EXPECT_EQ(r.tracks[0].frames, 16);
      EXPECT_EQ(r.tracks[0].first_seen_ns, 0);
      EXPECT_EQ(r.tracks[0].last_seen_ns, 25 * kFrameNs);
    }
  }
  EXPECT_TRUE(was_lost);
}

TEST(ByteTracker, LostTrackEndsAfterFrameRateScaledBuffer) {
  Config c = cfg();
  c.frame_rate = 10.0;  // 30 frames at 30 fps -> 10 frames at 10 fps
  ASSERT_EQ(c.max_time_lost(), 10);
  ByteTracker tracker(c);
  const Box b{50.F, 50.F, 30.F, 80.F};
  uint64_t id = 0;
  for (int f = 0; f < 5; ++f)
    id = tracker.update({{b, 0.9F}}, f * 100000000LL).tracks.at(0).track_id;
  int ended_at = -1;
  for (int f = 5; f < 30; ++f) {
    FrameResult r = tracker.update({}, f * 100000000LL);
    if (!r.ended.empty()) {
      ASSERT_EQ(r.ended.size(), 1U);
      EXPECT_EQ(r.ended[0].track_id, id);
      EXPECT_EQ(r.ended[0].frames, 5);
      EXPECT_EQ(r.ended[0].last_seen_ns, 400000000LL);
      EXPECT_EQ(ended_at, -1) << "ended twice";
      ended_at = f;
    }
  }
  // last matched on frame index 4 (ByteTrack frame 5); removed when frame_id - 5 > 10.
  EXPECT_EQ(ended_at, 15);
  EXPECT_EQ(tracker.active_tracks(), 0U);
}

TEST(ByteTracker, TwoCrossingBoxesKeepTheirIds) {
  ByteTracker tracker(cfg());
  uint64_t left_id = 0, right_id = 0;
  for (int f = 0; f < 60; ++f) {
    const Box a{50.F + 8.F * f, 200.F, 40.F, 100.F};   // moving right
    const Box b{530.F - 8.F * f, 215.F, 40.F, 100.F};  // moving left, crosses a around f = 30
    FrameResult r = tracker.update({{a, 0.9F}, {b, 0.9F}}, f * kFrameNs);
    const uint64_t ia = id_of_detection(r, 0);
    const uint64_t ib = id_of_detection(r, 1);
    if (f < 2) continue;  // first frames: tracks are being confirmed
    if (left_id == 0) {
      left_id = ia;
      right_id = ib;
      ASSERT_NE(left_id, 0U);
      ASSERT_NE(right_id, 0U);
      ASSERT_NE(left_id, right_id);
    }
    if (ia != 0) {
      EXPECT_EQ(ia, left_id) << "frame " << f;
    }
    if (ib != 0) {
      EXPECT_EQ(ib, right_id) << "frame " << f;
    }
  }
  // Both still carried at the end, with their original ids.
  FrameResult r = tracker.update({{{50.F + 8.F * 60, 200.F, 40.F, 100.F}, 0.9F},
                                  {{530.F - 8.F * 60, 215.F, 40.F, 100.F}, 0.9F}},
                                 60 * kFrameNs);
  EXPECT_EQ(id_of_detection(r, 0), left_id);
  EXPECT_EQ(id_of_detection(r, 1), right_id);
}

TEST(ByteTracker, LowScoreDetectionsContinueTracksButNeverStartThem) {
  ByteTracker tracker(cfg());
  uint64_t id = 0;
  for (int f = 0; f < 5; ++f)
    id = tracker.update({{{100.F + 3.F * f, 100.F, 40.F, 100.F}, 0.9F}}, f).tracks.at(0).track_id;
  // Score drops to 0.3 (an occluded person): the second association keeps the id.
  for (int f = 5; f < 10; ++f) {
    FrameResult r = tracker.update({{{100.F + 3.F * f, 100.F, 40.F, 100.F}, 0.3F}}, f);
    ASSERT_EQ(r.tracks.size(), 1U);
    EXPECT_EQ(r.tracks[0].track_id, id);
    EXPECT_TRUE(r.lost.empty());
  }
  // A lone low-score detection elsewhere starts nothing, nor does one between high (0.5) and
  // new-track (0.6) thresholds.
  ByteTracker fresh(cfg());
  for (int f = 0; f < 5; ++f) {
    EXPECT_TRUE(fresh.update({{{300.F, 300.F, 40.F, 100.F}, 0.3F}}, f).tracks.empty());
    EXPECT_TRUE(fresh.update({{{10.F, 10.F, 40.F, 100.F}, 0.55F}}, f).tracks.empty());
  }
  EXPECT_EQ(fresh.active_tracks(), 0U);
}

TEST(ByteTracker, UnconfirmedTrackNeedsASecondDetection) {
  ByteTracker tracker(cfg());
  // Frame 1 activates at once (ByteTrack); later tracks need a second matching frame.
  tracker.update({}, 0);
  const Box b{100.F, 100.F, 40.F, 100.F};
  EXPECT_TRUE(tracker.update({{b, 0.9F}}, 1).tracks.empty());
  FrameResult r = tracker.update({{b, 0.9F}}, 2);
  ASSERT_EQ(r.tracks.size(), 1U);
  EXPECT_TRUE(r.tracks[0].started);
  // A one-frame false positive is removed silently (never published, so no end event).
  EXPECT_TRUE(tracker.update({{b, 0.9F}, {{400.F, 100.F, 40.F, 100.F}, 0.9F}}, 3).tracks.size() ==
              1U);
  r = tracker.update({{b, 0.9F}}, 4);
  EXPECT_TRUE(r.ended.empty());
  EXPECT_EQ(tracker.active_tracks(), 1U);
}

TEST(ByteTracker, PredictCarriesTracksAlongTheirVelocity) {
  ByteTracker tracker(cfg());
  uint64_t id = 0;
  for (int f = 0; f < 10; ++f)
    id = tracker.update({{{100.F + 10.F * f, 100.F, 40.F, 100.F}, 0.9F}}, f).tracks.at(0).track_id;
  // Detector skips two frames: the box keeps moving right ~10 px per frame.
  FrameResult p1 = tracker.predict(10);
  FrameResult p2 = tracker.predict(11);
  ASSERT_EQ(p1.tracks.size(), 1U);
  ASSERT_EQ(p2.tracks.size(), 1U);
  EXPECT_EQ(p1.tracks[0].track_id, id);
  EXPECT_EQ(p1.tracks[0].detection, -1);
  EXPECT_NEAR(p1.tracks[0].box.x, 200.F, 4.F);
  EXPECT_NEAR(p2.tracks[0].box.x, 210.F, 5.F);
  // And the detector finds it again where predicted.
  FrameResult r = tracker.update({{{220.F, 100.F, 40.F, 100.F}, 0.9F}}, 12);
  ASSERT_EQ(r.tracks.size(), 1U);
  EXPECT_EQ(r.tracks[0].track_id, id);
}

TEST(ByteTracker, OutputFilterDropsWideAndTinyBoxes) {
  ByteTracker tracker(cfg());
  for (int f = 0; f < 3; ++f) {
    FrameResult r = tracker.update({{{10.F, 10.F, 100.F, 40.F}, 0.9F},  // w/h = 2.5
                                    {{300.F, 10.F, 3.F, 3.F}, 0.9F},    // 9 px^2
                                    {{500.F, 10.F, 40.F, 100.F}, 0.9F}},
                                   f);
    ASSERT_EQ(r.tracks.size(), 1U);
    EXPECT_EQ(r.tracks[0].detection, 2);
  }
}

TEST(ByteTracker, InvalidConfigIsRejectedWithThePropertyName) {
  Config c;
  c.high_threshold = 1.5F;
  try {
    ByteTracker t(c);
    FAIL() << "no error";
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), retail::ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("high-threshold"), std::string::npos);
  }
  Config d;
  d.frame_rate = 0;
  EXPECT_THROW(ByteTracker{d}, retail::Error);
  Config e;
  e.low_threshold = 0.7F;
  EXPECT_THROW(ByteTracker{e}, retail::Error);
}

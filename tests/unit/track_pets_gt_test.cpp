// The tracker alone on detections taken straight from the PETS09-S2L1 ground truth: what is left
// is tracker error. Floors = docs/BENCHMARKS.md figures minus a small margin.
#include <gtest/gtest.h>

#include <map>

#include "common/paths.h"
#include "track/byte_tracker.h"
#include "track/mot_io.h"
#include "track/mot_metrics.h"

TEST(TrackPetsGt, ByteTrackOnGroundTruthDetections) {
  const std::string dir = retail::paths::media_dir() + "/people/pets09_s2l1_gt";
  if (!retail::paths::file_exists(dir + "/gt/gt.txt")) GTEST_SKIP() << "shared media missing";
  const auto gt = retail::track::read_mot(dir + "/gt/gt.txt");
  const auto info = retail::track::read_seqinfo(dir + "/seqinfo.ini");
  std::map<int, std::vector<retail::track::Detection>> dets;
  for (const auto& r : gt) {
    if (r.conf == 1.F) dets[r.frame].push_back({{r.x, r.y, r.w, r.h}, 1.F});
  }
  retail::track::Config c;
  c.frame_rate = info.frame_rate;
  retail::track::ByteTracker tracker(c);
  std::vector<retail::track::MotRow> result;
  for (int f = 1; f <= info.length; ++f) {
    for (const auto& t : tracker.update(dets[f], f).tracks) {
      result.push_back(
          {f, static_cast<int64_t>(t.track_id), t.box.x, t.box.y, t.box.w, t.box.h, t.score});
    }
  }
  const auto m = retail::track::evaluate_mot(gt, result);
  // Recorded: MOTA 0.9955, IDF1 0.9413, IDSW 2.
  EXPECT_GE(m.mota, 0.98);
  EXPECT_GE(m.idf1, 0.92);
  EXPECT_LE(m.idsw, 4);
  EXPECT_EQ(m.gt_ids, 19);
}

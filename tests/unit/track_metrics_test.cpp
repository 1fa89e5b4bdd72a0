// CLEAR-MOT and IDF1 on tiny hand-made cases with known answers.
#include <gtest/gtest.h>

#include "track/mot_metrics.h"

using retail::track::evaluate_mot;
using retail::track::MotRow;

namespace {

MotRow row(int frame, int64_t id, float x, float y = 0.F, float conf = 1.F) {
  return MotRow{frame, id, x, y, 10.F, 20.F, conf};
}

// Two people walking apart for `n` frames.
std::vector<MotRow> two_walkers(int n) {
  std::vector<MotRow> rows;
  for (int f = 1; f <= n; ++f) {
    rows.push_back(row(f, 1, 10.F + f));
    rows.push_back(row(f, 2, 100.F + f));
  }
  return rows;
}

}  // namespace

TEST(MotMetrics, IdentityOutputScoresOne) {
  const auto gt = two_walkers(10);
  auto res = gt;
  for (auto& r : res) r.id += 40;  // ids need not be equal, only consistent
  const auto m = evaluate_mot(gt, res);
  EXPECT_DOUBLE_EQ(m.mota, 1.0);
  EXPECT_DOUBLE_EQ(m.idf1, 1.0);
  EXPECT_DOUBLE_EQ(m.motp, 1.0);
  EXPECT_EQ(m.tp, 20);
  EXPECT_EQ(m.fp, 0);
  EXPECT_EQ(m.fn, 0);
  EXPECT_EQ(m.idsw, 0);
  EXPECT_EQ(m.mostly_tracked, 2);
}

TEST(MotMetrics, OneSwapCountsTwoIdSwitches) {
  const auto gt = two_walkers(10);
  auto res = gt;
  for (auto& r : res) {
    if (r.frame > 5) r.id = 3 - r.id;  // the two ids swap from frame 6
  }
  const auto m = evaluate_mot(gt, res);
  EXPECT_EQ(m.idsw, 2);
  EXPECT_EQ(m.tp, 20);
  EXPECT_NEAR(m.mota, (20.0 - 2.0) / 20.0, 1e-12);
  // Best identity mapping keeps 5 of 10 frames per person.
  EXPECT_EQ(m.idtp, 10);
  EXPECT_NEAR(m.idf1, 0.5, 1e-12);
}

TEST(MotMetrics, FragmentedIdCountsOneSwitchAndIdf1) {
  auto gt = two_walkers(10);
  auto res = gt;
  for (auto& r : res) {
    if (r.id == 1 && r.frame > 6) r.id = 7;  // person 1 gets a new id from frame 7
  }
  const auto m = evaluate_mot(gt, res);
  EXPECT_EQ(m.idsw, 1);
  EXPECT_NEAR(m.mota, 19.0 / 20.0, 1e-12);
  // IDTP = 6 (id 1) + 10 (id 2); IDFP = IDFN = 4.
  EXPECT_EQ(m.idtp, 16);
  EXPECT_NEAR(m.idf1, 16.0 / (16.0 + 0.5 * 4 + 0.5 * 4), 1e-12);
}

TEST(MotMetrics, MissesFalsePositivesAndIgnoredRows) {
  std::vector<MotRow> gt = {row(1, 1, 0), row(2, 1, 1), row(3, 1, 2), row(1, 9, 300, 0, 0.F)};
  std::vector<MotRow> res = {row(1, 5, 0), row(3, 5, 2), row(2, 6, 500),  // FP
                             row(1, 8, 300)};  // on an ignored (conf 0) gt row: MOT15 -> FP
  const auto m = evaluate_mot(gt, res);
  EXPECT_EQ(m.gt_boxes, 3);
  EXPECT_EQ(m.tp, 2);
  EXPECT_EQ(m.fn, 1);
  EXPECT_EQ(m.fp, 2);
  EXPECT_EQ(m.idsw, 0);  // gap, same id after: not a switch
  EXPECT_NEAR(m.mota, (2.0 - 2.0) / 3.0, 1e-12);
}

TEST(MotMetrics, LowIouIsNoMatch) {
  std::vector<MotRow> gt = {row(1, 1, 0)};
  std::vector<MotRow> res = {row(1, 1, 5)};  // IoU = 5/15 < 0.5
  const auto m = evaluate_mot(gt, res);
  EXPECT_EQ(m.tp, 0);
  EXPECT_EQ(m.fp, 1);
  EXPECT_EQ(m.fn, 1);
}

TEST(MotMetrics, Mot16DistractorsAndNonPedestriansAreIgnored) {
  MotRow ped = row(1, 1, 0);
  ped.cls = 1;
  ped.visibility = 1;
  MotRow car = row(1, 2, 100);
  car.cls = 3;
  car.visibility = 1;
  MotRow reflection = row(1, 3, 200);
  reflection.cls = 12;
  reflection.visibility = 1;
  std::vector<MotRow> gt = {ped, car, reflection};
  std::vector<MotRow> res = {row(1, 1, 0), row(1, 2, 100), row(1, 3, 200)};
  const auto m = evaluate_mot(gt, res);
  EXPECT_EQ(m.gt_boxes, 1);
  EXPECT_EQ(m.tp, 1);
  EXPECT_EQ(m.fp, 1);  // the car box counts as FP, the reflection box is dropped
  EXPECT_EQ(m.result_boxes, 2);
}

TEST(MotMetrics, JsonReport) {
  const auto gt = two_walkers(3);
  const std::string j = retail::track::to_json(evaluate_mot(gt, gt));
  EXPECT_EQ(j.rfind(R"({"MOTA":1.0,"IDF1":1.0,)", 0), 0U) << j;
}

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "common/evidence.h"

using retail::evidence::BeliefConfig;
using retail::evidence::BinaryBelief;
using retail::evidence::CategoricalBelief;
using retail::evidence::CategoricalConfig;
using retail::evidence::RobustEstimate;
using retail::evidence::Verdict;

TEST(Evidence, LogOddsRoundTripsAndStaysFiniteAtTheEnds) {
  EXPECT_NEAR(retail::evidence::log_odds(0.5), 0.0, 1e-12);
  EXPECT_NEAR(retail::evidence::probability(retail::evidence::log_odds(0.9)), 0.9, 1e-9);
  EXPECT_TRUE(std::isfinite(retail::evidence::log_odds(0.0)));
  EXPECT_TRUE(std::isfinite(retail::evidence::log_odds(1.0)));
}

TEST(Evidence, UnknownUntilEnoughEvidenceThenDecided) {
  BinaryBelief b(BeliefConfig{2.2, 0.0, 8.0});
  const double llr = retail::evidence::log_odds(0.75);  // ~1.1 per reading
  EXPECT_EQ(b.add(llr), Verdict::kUnknown);
  EXPECT_EQ(b.confidence(), 0.0);
  EXPECT_EQ(b.add(llr), Verdict::kUnknown);  // 2.197 < 2.2
  EXPECT_EQ(b.add(llr), Verdict::kYes);
  EXPECT_GT(b.confidence(), 0.9);
  EXPECT_EQ(b.readings(), 3U);
}

TEST(Evidence, WeightScalesAReadingAndBadReadingsAreIgnored) {
  BinaryBelief b(BeliefConfig{});
  b.add(4.0, 0.25);
  EXPECT_NEAR(b.log_odds(), 1.0, 1e-12);
  b.add(NAN, 1.0);
  b.add(3.0, 0.0);
  b.add(3.0, -1.0);
  EXPECT_NEAR(b.log_odds(), 1.0, 1e-12);
  EXPECT_EQ(b.readings(), 1U);
  b.add(2.0, 5.0);  // weights above 1 count as 1
  EXPECT_NEAR(b.log_odds(), 3.0, 1e-12);
}

TEST(Evidence, OneContraryReadingDoesNotFlipAPublishedVerdict) {
  BinaryBelief b(BeliefConfig{2.2, 0.0, 8.0});
  for (int i = 0; i < 4; ++i) b.add(1.5);  // lo = 6
  ASSERT_EQ(b.verdict(), Verdict::kYes);
  b.add(-3.0);  // lo = 3: still yes
  EXPECT_EQ(b.verdict(), Verdict::kYes);
  b.add(-3.5);  // lo = -0.5: past the release point, unknown (not "no")
  EXPECT_EQ(b.verdict(), Verdict::kUnknown);
  b.add(-2.0);  // lo = -2.5: now strong evidence for no
  EXPECT_EQ(b.verdict(), Verdict::kNo);
}

TEST(Evidence, CapBoundsHowLongOldEvidenceResists) {
  BinaryBelief b(BeliefConfig{2.0, 0.0, 4.0});
  for (int i = 0; i < 100; ++i) b.add(3.0);
  EXPECT_DOUBLE_EQ(b.log_odds(), 4.0);
  b.add(-3.0);
  b.add(-3.0);  // 4 - 6 = -2: flipped after cap + decide of contrary evidence
  EXPECT_EQ(b.verdict(), Verdict::kNo);
}

TEST(Evidence, InvalidConfigNamesTheField) {
  try {
    BinaryBelief b(BeliefConfig{2.0, 3.0, 8.0});
    FAIL() << "release >= decide accepted";
  } catch (const retail::Error& e) {
    EXPECT_NE(std::string(e.what()).find("release"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CategoricalBelief(1, CategoricalConfig{}), retail::Error);
}

TEST(Evidence, CategoricalPublishesOnlyAClearLeaderAndSwitchesOnlyByAMargin) {
  CategoricalBelief c(3, CategoricalConfig{0.5, 0.6, 0.2, 2.0});
  EXPECT_EQ(c.add({0.9, 0.05, 0.05}), -1);  // below min_weight
  EXPECT_EQ(c.add({0.9, 0.05, 0.05}), 0);   // dist[0] ~ 0.76
  // A few readings for class 1: class 0 holds until class 1 leads by the margin.
  EXPECT_EQ(c.add({0.1, 0.85, 0.05}), 0);
  const int after = c.add({0.1, 0.85, 0.05});
  EXPECT_NE(after, 2);
  for (int i = 0; i < 6; ++i) c.add({0.05, 0.9, 0.05});
  EXPECT_EQ(c.published(), 1);
  EXPECT_GT(c.confidence(), 0.8);
}

TEST(Evidence, CategoricalStaysUnknownOnAmbiguousReadings) {
  CategoricalBelief c(2, CategoricalConfig{0.3, 0.7, 0.2, 1.0});
  for (int i = 0; i < 50; ++i) c.add({i % 2 == 0 ? 0.8 : 0.2, i % 2 == 0 ? 0.2 : 0.8});
  EXPECT_EQ(c.published(), -1);
  EXPECT_EQ(c.add({1.0, 1.0, 1.0}), -1);  // wrong arity is ignored
}

TEST(Evidence, RobustEstimateIgnoresOutliersAndWeakReadings) {
  RobustEstimate r(5, 0.5);
  for (double v : {40.0, 42.0, 41.0, 90.0, 39.0}) r.add(v);
  r.add(5.0, 0.1);  // too weak to count
  EXPECT_EQ(r.size(), 5U);
  EXPECT_DOUBLE_EQ(r.median(), 41.0);
  EXPECT_DOUBLE_EQ(r.mad(), 1.0);
  for (double v : {20.0, 21.0, 22.0}) r.add(v);  // the window slides: 90, 39, 20, 21, 22
  EXPECT_DOUBLE_EQ(r.median(), 22.0);
  RobustEstimate even(4, 0.0);
  for (double v : {1.0, 2.0, 3.0, 10.0}) even.add(v);
  EXPECT_DOUBLE_EQ(even.median(), 2.5);
}

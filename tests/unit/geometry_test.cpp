#include <gtest/gtest.h>

#include "common/geometry.h"

using retail::Box;

TEST(Geometry, IouOfIdenticalDisjointAndHalfOverlap) {
  const Box a{0.1F, 0.1F, 0.2F, 0.2F};
  EXPECT_FLOAT_EQ(retail::iou(a, a), 1.F);
  EXPECT_FLOAT_EQ(retail::iou(a, Box{0.5F, 0.5F, 0.1F, 0.1F}), 0.F);
  // b shifted by half a width: intersection 0.1*0.2, union 0.06
  EXPECT_NEAR(retail::iou(a, Box{0.2F, 0.1F, 0.2F, 0.2F}), 0.02 / 0.06, 1e-6);
}

TEST(Geometry, ContainmentIsAsymmetric) {
  const Box small{0.2F, 0.2F, 0.1F, 0.1F};
  const Box big{0.F, 0.F, 1.F, 1.F};
  EXPECT_FLOAT_EQ(retail::containment(small, big), 1.F);
  EXPECT_NEAR(retail::containment(big, small), 0.01, 1e-6);
}

TEST(Geometry, Clamp01KeepsBoxesInsideTheFrame) {
  const Box c = retail::clamp01(Box{-0.1F, 0.9F, 0.3F, 0.3F});
  EXPECT_FLOAT_EQ(c.x, 0.F);
  EXPECT_NEAR(c.w, 0.2F, 1e-6);
  EXPECT_NEAR(c.bottom(), 1.F, 1e-6);
}

TEST(Geometry, NmsKeepsBestOfOverlappingBoxesAndAllDisjointOnes) {
  const std::vector<Box> boxes{{0.1F, 0.1F, 0.2F, 0.2F},
                               {0.11F, 0.1F, 0.2F, 0.2F},
                               {0.6F, 0.6F, 0.2F, 0.2F}};
  const std::vector<float> scores{0.7F, 0.9F, 0.5F};
  const auto keep = retail::nms(boxes, scores, 0.3F);
  ASSERT_EQ(keep.size(), 2U);
  EXPECT_EQ(keep[0], 1);
  EXPECT_EQ(keep[1], 2);
}

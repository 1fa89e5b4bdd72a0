// The stored detection pipelines run to EOS on the real clips and find what the clips show.
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

using retail::ObjectClass;

TEST(DetectPipelines, PeoplePipelineRunsToEos) {
  RETAIL_REQUIRE_SHARED();
  auto r = retail::test::run_pipeline(retail::test::pipeline_file("detect-people.pipeline"), 240);
  ASSERT_EQ(r.error, "") << r.error_debug;
  ASSERT_GE(r.frames.size(), 790U);  // 795 frames in the clip
  size_t people = 0;
  for (const auto& f : r.frames) {
    ASSERT_NE(f, nullptr);
    EXPECT_TRUE(f->detector_ran);
    EXPECT_EQ(f->count(ObjectClass::kFace), 0U);
    people += f->count(ObjectClass::kPerson);
  }
  const double mean = static_cast<double>(people) / static_cast<double>(r.frames.size());
  EXPECT_GE(mean, 4.0);
  EXPECT_LE(mean, 10.0);
}

TEST(DetectPipelines, FacesPipelineRunsToEos) {
  RETAIL_REQUIRE_SHARED();
  auto r = retail::test::run_pipeline(retail::test::pipeline_file("detect-faces.pipeline"), 240);
  ASSERT_EQ(r.error, "") << r.error_debug;
  ASSERT_GE(r.frames.size(), 270U);  // 275 frames in the clip
  size_t faces = 0;
  size_t empty = 0;
  size_t linked = 0;
  for (const auto& f : r.frames) {
    ASSERT_NE(f, nullptr);
    const size_t n = f->count(ObjectClass::kFace);
    faces += n;
    empty += n == 0 ? 1 : 0;
    for (const auto& o : f->objects)
      if (o.cls == ObjectClass::kFace && o.parent_id != 0) ++linked;
  }
  const double mean = static_cast<double>(faces) / static_cast<double>(r.frames.size());
  EXPECT_GE(mean, 1.5);  // README: 2.1 faces per frame, 9 of 275 frames empty
  EXPECT_LE(empty, 40U);
  EXPECT_GT(linked, 0U);  // at least some faces belong to a detected person
}

}  // namespace

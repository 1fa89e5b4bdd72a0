// Against ground truth: retaildetect ! retailtrack ! retailzones on the PETS 2009 S2L1 clip counts
// the walkway line crossings within +-15% of what the same core analytics count on the MOT
// ground-truth tracks, in each direction. The figures are printed for docs/BENCHMARKS.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/json.h"
#include "support/test_support.h"
#include "track/mot_io.h"
#include "zones/zone_analytics.h"

namespace {

constexpr int64_t kFrameNs = 100000000;  // the clip is 10 fps (its caps; seqinfo.ini says 7)

struct Counts {
  int64_t in = 0;
  int64_t out = 0;
  int64_t plaza_visits = 0;
  int64_t plaza_dwells = 0;  // visits of at least min_dwell_ms
  int64_t plaza_dwell_ms = 0;
  int64_t frames = 0;
};

void count(const retail::Event& e, Counts* c) {
  auto node = retail::json::parse(e.payload_json, e.type);
  JsonObject* o = json_node_get_object(node.get());
  if (e.type == "line_crossed") {
    (std::string(json_object_get_string_member(o, "direction")) == "in" ? c->in : c->out)++;
  } else if (e.type == "zone_entered" &&
             std::string(json_object_get_string_member(o, "zone_id")) == "plaza") {
    c->plaza_visits++;
  } else if (e.type == "dwell" &&
             std::string(json_object_get_string_member(o, "zone_id")) == "plaza") {
    c->plaza_dwells++;
    c->plaza_dwell_ms += json_object_get_int_member(o, "dwell_ms");
  }
}

// The same core analytics on the ground-truth tracks (MOT frame = video frame index + 1).
Counts ground_truth(const std::string& zones_file) {
  std::map<int, std::vector<retail::zones::Tracked>> frames;
  for (const auto& r :
       retail::track::read_mot(retail::test::media("people/pets09_s2l1_gt/gt/gt.txt"))) {
    frames[r.frame].push_back(
        {static_cast<uint64_t>(r.id), retail::ObjectClass::kPerson,
         retail::clamp01({r.x / 768.F, r.y / 576.F, r.w / 768.F, r.h / 576.F})});
  }
  retail::zones::ZoneAnalytics za(retail::zones::load_geometry_file(zones_file));
  Counts c;
  const int last = frames.rbegin()->first;
  for (int f = 1; f <= last; ++f) {
    for (const auto& e : za.update(frames[f], (f - 1) * kFrameNs)) count(e, &c);
    c.frames++;
  }
  return c;
}

}  // namespace

TEST(ZonesPipeline, PetsWalkwayCountsMatchGroundTruth) {
  RETAIL_REQUIRE_SHARED();
  const std::string zones = retail::test::source_path("tests/data/pets_zones.json");
  const Counts gt = ground_truth(zones);
  ASSERT_GT(gt.in, 5);
  ASSERT_GT(gt.out, 5);

  auto r = retail::test::run_pipeline(retail::test::pipeline_file("zones-pets.pipeline"), 240,
                                      [&](GstElement* p) {
                                        GstElement* z = gst_bin_get_by_name(GST_BIN(p), "zones");
                                        g_object_set(z, "zones", zones.c_str(), nullptr);
                                        gst_object_unref(z);
                                      });
  ASSERT_EQ(r.error, "") << r.error_debug;
  Counts pipe;
  int64_t people = 0;
  for (const auto& f : r.frames) {
    ASSERT_NE(f, nullptr);
    pipe.frames++;
    people += static_cast<int64_t>(f->count(retail::ObjectClass::kPerson));
    for (const auto& e : f->events) count(e, &pipe);
  }
  std::printf(
      "PETS walkway line: ground truth in %lld out %lld | pipeline in %lld out %lld\n"
      "plaza zone: ground truth %lld visits, %lld dwells >= 1 s, %.1f s dwell | pipeline %lld "
      "visits, %lld dwells, %.1f s dwell | %lld frames, %.2f people/frame\n",
      static_cast<long long>(gt.in), static_cast<long long>(gt.out),
      static_cast<long long>(pipe.in), static_cast<long long>(pipe.out),
      static_cast<long long>(gt.plaza_visits), static_cast<long long>(gt.plaza_dwells),
      static_cast<double>(gt.plaza_dwell_ms) / 1000.0, static_cast<long long>(pipe.plaza_visits),
      static_cast<long long>(pipe.plaza_dwells), static_cast<double>(pipe.plaza_dwell_ms) / 1000.0,
      static_cast<long long>(pipe.frames),
      static_cast<double>(people) / static_cast<double>(std::max<int64_t>(pipe.frames, 1)));
  EXPECT_EQ(pipe.frames, gt.frames);
  EXPECT_NEAR(static_cast<double>(pipe.in), static_cast<double>(gt.in), 0.15 * gt.in);
  EXPECT_NEAR(static_cast<double>(pipe.out), static_cast<double>(gt.out), 0.15 * gt.out);
  // Time spent in the zone is robust to track fragmentation (a broken track re-enters, but the
  // person-time is the same); visit counts are not, so they are only reported.
  EXPECT_NEAR(static_cast<double>(pipe.plaza_dwell_ms), static_cast<double>(gt.plaza_dwell_ms),
              0.2 * static_cast<double>(gt.plaza_dwell_ms));
}

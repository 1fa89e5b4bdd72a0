// The zones analytics on the PETS 2009 S2L1 ground-truth tracks with tests/data/pets_zones.json
// agree with a direct count made from the raw trajectories (no analytics code involved).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/json.h"
#include "common/paths.h"
#include "track/mot_io.h"
#include "zones/zone_analytics.h"

namespace {

constexpr int64_t kFrameNs = 100000000;  // the clip is 10 fps (its caps; seqinfo.ini says 7)

std::string gt_path() { return retail::paths::media_dir() + "/people/pets09_s2l1_gt/gt/gt.txt"; }

}  // namespace

TEST(ZonesGroundTruth, AnalyticsMatchADirectCountOfTheTrajectories) {
  if (!retail::paths::file_exists(gt_path())) GTEST_SKIP() << "no " << gt_path();
  const auto rows = retail::track::read_mot(gt_path());
  const auto geometry = retail::zones::load_geometry_file(std::string(RETAIL_SOURCE_DIR) +
                                                          "/tests/data/pets_zones.json");
  ASSERT_EQ(geometry.lines.size(), 1U);
  const auto& line = geometry.lines[0];  // vertical, "in" = leftwards
  ASSERT_EQ(line.points[0].x, line.points[1].x);
  const float lx = line.points[0].x;
  const float y0 = std::min(line.points[0].y, line.points[1].y);
  const float y1 = std::max(line.points[0].y, line.points[1].y);

  // Frames of tracked people, as the analytics see them.
  std::map<int, std::vector<retail::zones::Tracked>> frames;
  std::map<int64_t, std::vector<retail::Point>> paths;  // per track, in frame order
  int last_frame = 0;
  for (const auto& r : rows) {
    const retail::Box b = retail::clamp01({r.x / 768.F, r.y / 576.F, r.w / 768.F, r.h / 576.F});
    frames[r.frame].push_back({static_cast<uint64_t>(r.id), retail::ObjectClass::kPerson, b});
    last_frame = std::max(last_frame, r.frame);
  }
  retail::zones::ZoneAnalytics za(geometry);
  int64_t crossed_in = 0;
  int64_t crossed_out = 0;
  int64_t plaza_dwell_ms = 0;
  int64_t plaza_visits = 0;
  for (int f = 1; f <= last_frame; ++f) {
    auto& objs = frames[f];
    std::sort(objs.begin(), objs.end(),
              [](const auto& a, const auto& b) { return a.track_id < b.track_id; });
    for (const auto& o : objs) {
      paths[static_cast<int64_t>(o.track_id)].push_back(
          retail::zones::anchor_point(o.box, geometry.anchor));
    }
    for (const auto& e : za.update(objs, (f - 1) * kFrameNs)) {
      auto node = retail::json::parse(e.payload_json, e.type);
      JsonObject* o = json_node_get_object(node.get());
      if (e.type == "line_crossed") {
        (std::string(json_object_get_string_member(o, "direction")) == "in" ? crossed_in
                                                                            : crossed_out)++;
      }
      if (e.type == "zone_entered" &&
          std::string(json_object_get_string_member(o, "zone_id")) == "plaza") {
        ++plaza_visits;
      }
      if (e.type == "dwell" &&
          std::string(json_object_get_string_member(o, "zone_id")) == "plaza") {
        plaza_dwell_ms += json_object_get_int_member(o, "dwell_ms");
      }
    }
  }
  EXPECT_EQ(za.line_in(0), crossed_in);
  EXPECT_EQ(za.line_out(0), crossed_out);

  // Direct count: side changes of each trajectory across x = lx, between y0 and y1.
  int64_t direct_in = 0;
  int64_t direct_out = 0;
  int64_t frames_in_plaza = 0;
  for (const auto& [id, pts] : paths) {
    for (size_t i = 1; i < pts.size(); ++i) {
      const auto a = pts[i - 1];
      const auto b = pts[i];
      if ((a.x - lx) * (b.x - lx) >= 0.F) continue;
      const float y = a.y + (b.y - a.y) * (lx - a.x) / (b.x - a.x);
      if (y < y0 || y > y1) continue;
      (b.x < a.x ? direct_in : direct_out)++;
    }
    for (const auto& p : pts)
      frames_in_plaza += retail::zones::contains(geometry.zones[0].points, p);
  }
  std::printf(
      "PETS ground truth, line '%s': in %lld out %lld (direct count %lld / %lld); "
      "zone 'plaza': %lld visits, %lld ms dwell (>= %lld ms), %lld person-frames inside\n",
      line.id.c_str(), static_cast<long long>(crossed_in), static_cast<long long>(crossed_out),
      static_cast<long long>(direct_in), static_cast<long long>(direct_out),
      static_cast<long long>(plaza_visits), static_cast<long long>(plaza_dwell_ms),
      static_cast<long long>(geometry.zones[0].min_dwell_ms),
      static_cast<long long>(frames_in_plaza));
  EXPECT_GT(direct_in, 5);
  EXPECT_GT(direct_out, 5);
  EXPECT_EQ(crossed_in, direct_in);
  EXPECT_EQ(crossed_out, direct_out);
  // Dwell events cover (almost) every person-frame inside the zone: visits shorter than the
  // minimum and the hysteresis band account for the rest.
  EXPECT_GT(plaza_visits, 3);
  EXPECT_NEAR(static_cast<double>(plaza_dwell_ms), frames_in_plaza * 100.0,
              0.15 * frames_in_plaza * 100.0);
}

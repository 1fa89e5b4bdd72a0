// Core zones analytics on scripted tracks: crossings, hysteresis, zones, dwell, queues, heatmap,
// occupancy. Every expectation follows from the scripted motion, not from a recorded run.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <numeric>
#include <opencv2/imgcodecs.hpp>

#include "common/error.h"
#include "common/json.h"
#include "zones/zone_analytics.h"

using retail::Box;
using retail::Event;
using retail::zones::Geometry;
using retail::zones::Tracked;
using retail::zones::ZoneAnalytics;

namespace {

constexpr int64_t kMs = 1000000;  // ns per ms

// A 0.04 x 0.1 box whose bottom-centre (the default anchor) is at (x, y).
Tracked at(uint64_t id, float x, float y) {
  return {id, retail::ObjectClass::kPerson, Box{x - 0.02F, y - 0.1F, 0.04F, 0.1F}};
}

std::vector<const Event*> of_type(const std::vector<Event>& events, const std::string& type) {
  std::vector<const Event*> out;
  for (const Event& e : events) {
    if (e.type == type) out.push_back(&e);
  }
  return out;
}

int64_t int_field(const Event& e, const char* name) {
  auto node = retail::json::parse(e.payload_json, e.type);
  JsonObject* o = json_node_get_object(node.get());
  EXPECT_TRUE(json_object_has_member(o, name)) << e.payload_json;
  return json_object_get_int_member(o, name);
}

std::string str_field(const Event& e, const char* name) {
  auto node = retail::json::parse(e.payload_json, e.type);
  JsonObject* o = json_node_get_object(node.get());
  EXPECT_TRUE(json_object_has_member(o, name)) << e.payload_json;
  return json_object_get_string_member(o, name);
}

// Feeds one track along `xs` (y fixed), one frame every 100 ms, collecting all events.
std::vector<Event> walk(ZoneAnalytics& za, uint64_t id, const std::vector<float>& xs, float y,
                        int64_t* t_ns) {
  std::vector<Event> all;
  for (float x : xs) {
    auto ev = za.update({at(id, x, y)}, *t_ns);
    all.insert(all.end(), ev.begin(), ev.end());
    *t_ns += 100 * kMs;
  }
  return all;
}

const char* kVerticalLine = R"({"lines": [{"id": "door", "points": [[0.5, 0.2], [0.5, 0.8]],
  "in": "left"}], "hysteresis": 0.01})";

}  // namespace

TEST(ZonesLines, CountsEachDirectionOnce) {
  ZoneAnalytics za(retail::zones::parse_geometry(kVerticalLine, "test"));
  int64_t t = 0;
  auto ev = walk(za, 1, {0.8F, 0.7F, 0.6F, 0.55F, 0.45F, 0.4F, 0.3F}, 0.5F, &t);  // leftwards
  auto crossed = of_type(ev, "line_crossed");
  ASSERT_EQ(crossed.size(), 1U);
  EXPECT_EQ(str_field(*crossed[0], "line_id"), "door");
  EXPECT_EQ(int_field(*crossed[0], "track_id"), 1);
  EXPECT_EQ(str_field(*crossed[0], "direction"), "in");
  EXPECT_EQ(int_field(*crossed[0], "total_in"), 1);
  EXPECT_EQ(int_field(*crossed[0], "total_out"), 0);

  ev = walk(za, 2, {0.2F, 0.3F, 0.45F, 0.52F, 0.6F, 0.9F}, 0.4F, &t);  // rightwards
  crossed = of_type(ev, "line_crossed");
  ASSERT_EQ(crossed.size(), 1U);
  EXPECT_EQ(str_field(*crossed[0], "direction"), "out");
  EXPECT_EQ(int_field(*crossed[0], "total_in"), 1);
  EXPECT_EQ(int_field(*crossed[0], "total_out"), 1);
  EXPECT_EQ(za.line_in(0), 1);
  EXPECT_EQ(za.line_out(0), 1);

  // The "in" direction is configurable: the same walk leftwards counts "out" with in=right.
  ZoneAnalytics right(retail::zones::parse_geometry(
      R"({"lines": [{"id": "d", "points": [[0.5, 0.2], [0.5, 0.8]], "in": [1, 0]}]})", "t"));
  t = 0;
  ev = walk(right, 1, {0.8F, 0.6F, 0.4F, 0.2F}, 0.5F, &t);
  ASSERT_EQ(of_type(ev, "line_crossed").size(), 1U);
  EXPECT_EQ(str_field(*of_type(ev, "line_crossed")[0], "direction"), "out");
}

TEST(ZonesLines, JitterOnTheLineIsCountedOnce) {
  ZoneAnalytics za(retail::zones::parse_geometry(kVerticalLine, "test"));
  int64_t t = 0;
  std::vector<float> xs{0.3F, 0.4F, 0.47F};
  // Someone hesitating on the line: 30 frames flickering across it inside the band.
  for (int i = 0; i < 30; ++i) xs.push_back(i % 2 == 0 ? 0.495F : 0.506F);
  // A box jittering while the person crosses: over, back, over again, then away.
  for (float x : {0.52F, 0.492F, 0.508F, 0.53F, 0.6F, 0.7F}) xs.push_back(x);
  auto ev = walk(za, 7, xs, 0.5F, &t);
  auto crossed = of_type(ev, "line_crossed");
  ASSERT_EQ(crossed.size(), 1U);
  EXPECT_EQ(str_field(*crossed[0], "direction"), "out");

  // Stepping onto the line and back to the same side is no crossing.
  ev = walk(za, 8, {0.7F, 0.6F, 0.505F, 0.497F, 0.503F, 0.6F, 0.7F}, 0.5F, &t);
  EXPECT_TRUE(of_type(ev, "line_crossed").empty());
  // A real return trip is two crossings.
  ev = walk(za, 9, {0.3F, 0.45F, 0.55F, 0.7F, 0.55F, 0.45F, 0.3F}, 0.5F, &t);
  crossed = of_type(ev, "line_crossed");
  ASSERT_EQ(crossed.size(), 2U);
  EXPECT_EQ(str_field(*crossed[0], "direction"), "out");
  EXPECT_EQ(str_field(*crossed[1], "direction"), "in");
}

TEST(ZonesLines, DefaultInIsTheLeftHandSideOfTheDrawing) {
  // Drawn left to right: "in" is upwards. Drawn top to bottom: "in" is rightwards.
  ZoneAnalytics za(retail::zones::parse_geometry(
      R"({"lines": [{"id": "h", "points": [[0.1, 0.5], [0.9, 0.5]]},
                    {"id": "v", "points": [[0.7, 0.1], [0.7, 0.9]]}]})",
      "t"));
  std::vector<Event> all;
  int64_t t = 0;
  for (float y : {0.8F, 0.6F, 0.4F, 0.2F}) {  // upwards through "h" at x = 0.3
    auto ev = za.update({at(1, 0.3F, y)}, t);
    all.insert(all.end(), ev.begin(), ev.end());
    t += 100 * kMs;
  }
  auto ev = walk(za, 2, {0.5F, 0.6F, 0.8F, 0.9F}, 0.3F, &t);  // rightwards through "v"
  all.insert(all.end(), ev.begin(), ev.end());
  auto crossed = of_type(all, "line_crossed");
  ASSERT_EQ(crossed.size(), 2U);
  EXPECT_EQ(str_field(*crossed[0], "line_id"), "h");
  EXPECT_EQ(str_field(*crossed[0], "direction"), "in");
  EXPECT_EQ(str_field(*crossed[1], "line_id"), "v");
  EXPECT_EQ(str_field(*crossed[1], "direction"), "in");
}

TEST(ZonesLines, WalkingAroundTheEndIsNoCrossing) {
  ZoneAnalytics za(retail::zones::parse_geometry(kVerticalLine, "test"));
  int64_t t = 0;
  // Passes below the line's end (y = 0.9 > 0.8): no crossing of the drawn line.
  auto ev = walk(za, 3, {0.2F, 0.4F, 0.6F, 0.8F}, 0.9F, &t);
  EXPECT_TRUE(of_type(ev, "line_crossed").empty());
}

TEST(ZonesLines, PolylineUsesTheCrossedSegment) {
  // An L: a vertical segment then a horizontal one; "in" points up-left, into the corner.
  ZoneAnalytics za(retail::zones::parse_geometry(
      R"({"lines": [{"id": "L", "points": [[0.5, 0.1], [0.5, 0.5], [0.9, 0.5]], "in": [-1, -1]}]})",
      "t"));
  int64_t t = 0;
  // Upwards through the horizontal segment at x = 0.7: into the in-side.
  std::vector<Event> all;
  for (float y : {0.8F, 0.6F, 0.4F, 0.3F}) {
    auto ev = za.update({at(1, 0.7F, y)}, t);
    all.insert(all.end(), ev.begin(), ev.end());
    t += 100 * kMs;
  }
  ASSERT_EQ(of_type(all, "line_crossed").size(), 1U);
  EXPECT_EQ(str_field(*of_type(all, "line_crossed")[0], "direction"), "in");
  // Rightwards through the vertical segment: out of the in-side... which is the left of it.
  auto ev = walk(za, 2, {0.3F, 0.45F, 0.55F, 0.7F}, 0.3F, &t);
  ASSERT_EQ(of_type(ev, "line_crossed").size(), 1U);
  EXPECT_EQ(str_field(*of_type(ev, "line_crossed")[0], "direction"), "out");
}

TEST(ZonesLines, TrackGapStillCountsTheCrossing) {
  ZoneAnalytics za(retail::zones::parse_geometry(kVerticalLine, "test"));
  auto ev = za.update({at(4, 0.3F, 0.5F)}, 0);
  ev = za.update({}, 100 * kMs);  // missed by the tracker for a frame
  ev = za.update({at(4, 0.7F, 0.5F)}, 200 * kMs);
  ASSERT_EQ(of_type(ev, "line_crossed").size(), 1U);
}

const char* kZone = R"({"zones": [{"id": "shelf", "type": "zone",
  "points": [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]], "min_dwell_ms": 1000}],
  "track_timeout_ms": 500})";

TEST(ZonesZones, EnterLeaveAndOccupancy) {
  ZoneAnalytics za(retail::zones::parse_geometry(kZone, "test"));
  std::vector<Event> all;
  auto step = [&](std::vector<Tracked> objs, int64_t t_ms) {
    auto ev = za.update(objs, t_ms * kMs);
    all.insert(all.end(), ev.begin(), ev.end());
  };
  step({at(1, 0.2F, 0.5F), at(2, 0.3F, 0.5F)}, 0);
  EXPECT_EQ(za.zone_occupancy(0), 0);
  step({at(1, 0.5F, 0.5F), at(2, 0.3F, 0.5F)}, 100);
  EXPECT_EQ(za.zone_occupancy(0), 1);
  step({at(1, 0.5F, 0.5F), at(2, 0.45F, 0.5F)}, 200);
  EXPECT_EQ(za.zone_occupancy(0), 2);
  step({at(1, 0.8F, 0.5F), at(2, 0.45F, 0.5F)}, 300);
  EXPECT_EQ(za.zone_occupancy(0), 1);
  auto entered = of_type(all, "zone_entered");
  auto exited = of_type(all, "zone_exited");
  ASSERT_EQ(entered.size(), 2U);
  ASSERT_EQ(exited.size(), 1U);
  EXPECT_EQ(str_field(*entered[0], "zone_id"), "shelf");
  EXPECT_EQ(int_field(*entered[0], "track_id"), 1);
  EXPECT_EQ(int_field(*entered[0], "occupancy"), 1);
  EXPECT_EQ(int_field(*entered[1], "track_id"), 2);
  EXPECT_EQ(int_field(*entered[1], "occupancy"), 2);
  EXPECT_EQ(int_field(*exited[0], "track_id"), 1);
  EXPECT_EQ(int_field(*exited[0], "occupancy"), 1);
  auto regions = za.regions();
  ASSERT_EQ(regions.size(), 1U);
  EXPECT_EQ(regions[0].id, "shelf");
  EXPECT_EQ(regions[0].kind, "zone");
  EXPECT_EQ(regions[0].points.size(), 4U);
  EXPECT_EQ(regions[0].occupancy, 1);

  // Track 2 vanishes inside the zone: it leaves once unseen for longer than the timeout.
  all.clear();
  step({}, 400);
  step({}, 800);
  EXPECT_TRUE(of_type(all, "zone_exited").empty());
  step({}, 900);
  ASSERT_EQ(of_type(all, "zone_exited").size(), 1U);
  EXPECT_EQ(za.zone_occupancy(0), 0);
}

TEST(ZonesZones, EdgeJitterIsOneVisit) {
  ZoneAnalytics za(retail::zones::parse_geometry(kZone, "test"));
  int64_t t = 0;
  std::vector<float> xs{0.3F};
  for (int i = 0; i < 20; ++i) xs.push_back(i % 2 == 0 ? 0.395F : 0.405F);  // on the edge x=0.4
  xs.push_back(0.5F);
  auto ev = walk(za, 1, xs, 0.5F, &t);
  EXPECT_EQ(of_type(ev, "zone_entered").size(), 1U);
  EXPECT_TRUE(of_type(ev, "zone_exited").empty());
}

TEST(ZonesZones, DwellBelowAndAboveTheMinimum) {
  ZoneAnalytics za(retail::zones::parse_geometry(kZone, "test"));
  std::vector<Event> all;
  // Track 1 passes through in 600 ms; track 2 stays 2.5 s. One frame every 100 ms.
  for (int64_t ms = 0; ms <= 4000; ms += 100) {
    std::vector<Tracked> objs;
    objs.push_back(at(1, ms >= 1000 && ms <= 1600 ? 0.5F : 0.2F, 0.5F));
    objs.push_back(at(2, ms >= 1000 && ms <= 3500 ? 0.5F : 0.8F, 0.5F));
    auto ev = za.update(objs, ms * kMs);
    all.insert(all.end(), ev.begin(), ev.end());
  }
  EXPECT_EQ(of_type(all, "zone_entered").size(), 2U);
  EXPECT_EQ(of_type(all, "zone_exited").size(), 2U);
  auto dwell = of_type(all, "dwell");
  ASSERT_EQ(dwell.size(), 1U);  // the passer-by (600 ms < 1000 ms) gives none
  EXPECT_EQ(int_field(*dwell[0], "track_id"), 2);
  EXPECT_EQ(str_field(*dwell[0], "zone_id"), "shelf");
  EXPECT_EQ(int_field(*dwell[0], "dwell_ms"), 2500);
}

TEST(ZonesQueues, LengthAndWaitingTime) {
  ZoneAnalytics za(retail::zones::parse_geometry(
      R"({"zones": [{"id": "till", "type": "queue",
        "points": [[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]],
        "min_dwell_ms": 0, "interval_ms": 1000, "wait_samples": 2}]})",
      "t"));
  // Three people queue from t=0; they leave at 2.0 s, 4.0 s and 8.0 s (waits 2, 4, 8 s).
  std::vector<const Event*> status;
  std::vector<Event> all;
  all.reserve(1000);
  for (int64_t ms = 0; ms <= 9000; ms += 100) {
    std::vector<Tracked> objs;
    objs.push_back(at(1, ms <= 2000 ? 0.25F : 0.8F, 0.5F));
    objs.push_back(at(2, ms <= 4000 ? 0.3F : 0.8F, 0.5F));
    objs.push_back(at(3, ms <= 8000 ? 0.35F : 0.8F, 0.5F));
    auto ev = za.update(objs, ms * kMs);
    all.insert(all.end(), ev.begin(), ev.end());
  }
  status = of_type(all, "queue_status");
  ASSERT_EQ(status.size(), 9U);  // one per second, from t = 1 s to 9 s
  auto at_second = [&](int s) { return status[static_cast<size_t>(s - 1)]; };
  EXPECT_EQ(str_field(*at_second(1), "zone_id"), "till");
  EXPECT_EQ(int_field(*at_second(1), "length"), 3);
  EXPECT_EQ(int_field(*at_second(1), "avg_wait_ms"), 0);  // nobody has left yet
  EXPECT_EQ(int_field(*at_second(3), "length"), 2);
  EXPECT_EQ(int_field(*at_second(3), "avg_wait_ms"), 2000);
  EXPECT_EQ(int_field(*at_second(5), "length"), 1);
  EXPECT_EQ(int_field(*at_second(5), "avg_wait_ms"), 3000);  // (2 + 4) / 2
  EXPECT_EQ(int_field(*at_second(9), "length"), 0);
  EXPECT_EQ(int_field(*at_second(9), "avg_wait_ms"), 6000);  // last 2 samples: (4 + 8) / 2
  auto regions = za.regions();
  ASSERT_EQ(regions.size(), 1U);
  EXPECT_EQ(regions[0].kind, "queue");
}

TEST(ZonesHeatmap, MassEqualsFramesTimesPeople) {
  const std::string png =
      (std::filesystem::temp_directory_path() / "retail_zones_heat_%d.png").string();
  ZoneAnalytics za(retail::zones::parse_geometry(
      R"({"heatmap": {"grid_w": 8, "grid_h": 6, "interval_ms": 1000, "png": ")" + png + R"("}})",
      "t"));
  std::vector<Event> all;
  const int people = 4;
  // 25 frames at 10 fps = 2.5 s: windows [0,1) and [1,2) are emitted, 5 frames stay pending.
  for (int f = 0; f < 25; ++f) {
    std::vector<Tracked> objs;
    for (int p = 0; p < people; ++p) {
      objs.push_back(at(static_cast<uint64_t>(p + 1), 0.1F + 0.2F * static_cast<float>(p),
                        0.2F + 0.03F * static_cast<float>(f)));
    }
    auto ev = za.update(objs, static_cast<int64_t>(f) * 100 * kMs);
    all.insert(all.end(), ev.begin(), ev.end());
  }
  auto heat = of_type(all, "heatmap");
  ASSERT_EQ(heat.size(), 2U);
  for (const Event* e : heat) {
    auto node = retail::json::parse(e->payload_json, "heatmap");
    JsonObject* o = json_node_get_object(node.get());
    EXPECT_EQ(json_object_get_int_member(o, "grid_w"), 8);
    EXPECT_EQ(json_object_get_int_member(o, "grid_h"), 6);
    EXPECT_EQ(json_object_get_int_member(o, "window_ms"), 1000);
    JsonArray* cells = json_object_get_array_member(o, "cells");
    ASSERT_EQ(json_array_get_length(cells), 48U);
    int64_t mass = 0;
    for (guint i = 0; i < 48; ++i) mass += json_array_get_int_element(cells, i);
    EXPECT_EQ(mass, 10 * people);  // 10 frames per window x 4 people
  }
  const auto& pending = za.heatmap_cells();
  EXPECT_EQ(std::accumulate(pending.begin(), pending.end(), int64_t{0}), 5 * people);
  // The first window's people stand in columns 0, 2, 4, 5 (x = 0.1, 0.3, 0.5, 0.7).
  auto node = retail::json::parse(heat[0]->payload_json, "heatmap");
  JsonArray* cells = json_object_get_array_member(json_node_get_object(node.get()), "cells");
  int64_t col0 = 0;
  int64_t col1 = 0;
  for (int y = 0; y < 6; ++y) {
    col0 += json_array_get_int_element(cells, static_cast<guint>(y * 8));
    col1 += json_array_get_int_element(cells, static_cast<guint>(y * 8 + 1));
  }
  EXPECT_EQ(col0, 10);
  EXPECT_EQ(col1, 0);
  // The PNG of each window was written and decodes.
  for (int w = 0; w < 2; ++w) {
    const std::string path = png.substr(0, png.find("%d")) + std::to_string(w) + ".png";
    cv::Mat img = cv::imread(path);
    EXPECT_FALSE(img.empty()) << path;
    EXPECT_EQ(img.cols * 6, img.rows * 8);
    std::remove(path.c_str());
  }
  EXPECT_TRUE(za.take_warnings().empty());
}

TEST(ZonesHeatmap, UnwritablePngIsAWarningNotAStop) {
  ZoneAnalytics za(retail::zones::parse_geometry(
      R"({"heatmap": {"grid_w": 4, "grid_h": 4, "interval_ms": 100,
          "png": "/nonexistent-dir/heat.png"}})",
      "t"));
  za.update({at(1, 0.5F, 0.5F)}, 0);
  auto ev = za.update({at(1, 0.5F, 0.5F)}, 100 * kMs);
  EXPECT_EQ(of_type(ev, "heatmap").size(), 1U);
  auto warnings = za.take_warnings();
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_NE(warnings[0].find("/nonexistent-dir/heat.png"), std::string::npos);
  EXPECT_TRUE(za.take_warnings().empty());
}

TEST(ZonesOccupancy, InMinusOutClampedWithDailyReset) {
  ZoneAnalytics za(retail::zones::parse_geometry(
      R"({"lines": [{"id": "door", "points": [[0.0, 0.5], [1.0, 0.5]], "in": "down",
          "entrance": true},
          {"id": "aisle", "points": [[0.5, 0.0], [0.5, 1.0]], "in": "left"}],
          "occupancy": {"daily_reset": "04:00", "utc_offset_minutes": 60}})",
      "t"));
  // 2026-03-02 02:00 UTC = 03:00 local: before the 04:00 local reset.
  const int64_t day0_us = int64_t{1772416800} * 1000000;
  int64_t t = 0;
  std::vector<Event> all;
  auto cross = [&](uint64_t id, bool in, int64_t capture_us) {
    for (float y : in ? std::vector<float>{0.3F, 0.7F} : std::vector<float>{0.7F, 0.3F}) {
      auto ev = za.update({at(id, 0.2F, y)}, t, capture_us);
      all.insert(all.end(), ev.begin(), ev.end());
      t += 100 * kMs;
    }
  };
  cross(1, true, day0_us);
  cross(2, true, day0_us);
  EXPECT_EQ(za.store_occupancy(), 2);
  cross(3, false, day0_us);
  cross(4, false, day0_us);
  cross(5, false, day0_us);  // more out than in: clamped at zero
  EXPECT_EQ(za.store_occupancy(), 0);
  auto occ = of_type(all, "occupancy");
  ASSERT_EQ(occ.size(), 5U);
  EXPECT_EQ(int_field(*occ[1], "count"), 2);
  EXPECT_EQ(int_field(*occ[4], "count"), 0);
  EXPECT_EQ(int_field(*occ[4], "in"), 2);
  EXPECT_EQ(int_field(*occ[4], "out"), 3);
  cross(6, true, day0_us);
  EXPECT_EQ(za.store_occupancy(), 1);
  // Crossing the non-entrance aisle line changes nothing.
  all.clear();
  walk(za, 7, {0.3F, 0.7F}, 0.8F, &t);
  EXPECT_EQ(za.store_occupancy(), 1);
  // Past 04:00 local (03:00 UTC) the counts start again from zero.
  all.clear();
  const int64_t after_reset_us = day0_us + int64_t{3600 + 60} * 1000000;
  auto ev = za.update({}, t, after_reset_us);
  occ = of_type(ev, "occupancy");
  ASSERT_EQ(occ.size(), 1U);
  EXPECT_EQ(int_field(*occ[0], "count"), 0);
  EXPECT_EQ(int_field(*occ[0], "in"), 0);
  EXPECT_EQ(int_field(*occ[0], "out"), 0);
  EXPECT_EQ(za.store_occupancy(), 0);
  // Line totals are not reset (they are lifetime counters).
  EXPECT_EQ(za.line_in(0), 3);
  EXPECT_EQ(za.line_out(0), 3);
}

TEST(ZonesFrames, UsesTrackedPeopleOnlyAndFrameTime) {
  ZoneAnalytics za(retail::zones::parse_geometry(kVerticalLine, "test"));
  auto frame_at = [](float x, int64_t pts) {
    retail::FrameAnalytics f;
    f.source.pts_ns = pts;
    retail::Object person;
    person.id = 1;
    person.track_id = 11;
    person.box = Box{x - 0.02F, 0.4F, 0.04F, 0.1F};
    retail::Object untracked = person;
    untracked.id = 2;
    untracked.track_id = 0;
    untracked.box.x = 0.9F - x;
    retail::Object face = person;
    face.id = 3;
    face.cls = retail::ObjectClass::kFace;
    face.track_id = 12;
    face.box.x = 0.9F - x;
    f.objects = {person, untracked, face};
    return f;
  };
  std::vector<Event> all;
  for (int i = 0; i < 5; ++i) {
    auto ev = za.update_frame(frame_at(0.3F + 0.1F * static_cast<float>(i), -1), i * 100 * kMs);
    all.insert(all.end(), ev.begin(), ev.end());
  }
  auto crossed = of_type(all, "line_crossed");
  ASSERT_EQ(crossed.size(), 1U);  // the untracked box and the face cross too, but do not count
  EXPECT_EQ(int_field(*crossed[0], "track_id"), 11);
}

TEST(ZonesAnchor, ReferencePoints) {
  const Box b{0.2F, 0.3F, 0.2F, 0.4F};
  auto p = retail::zones::anchor_point(b, retail::zones::Anchor::kBottomCenter);
  EXPECT_FLOAT_EQ(p.x, 0.3F);
  EXPECT_FLOAT_EQ(p.y, 0.7F);
  p = retail::zones::anchor_point(b, retail::zones::Anchor::kCenter);
  EXPECT_FLOAT_EQ(p.y, 0.5F);
  p = retail::zones::anchor_point(b, retail::zones::Anchor::kTopCenter);
  EXPECT_FLOAT_EQ(p.y, 0.3F);
  p = retail::zones::anchor_point(Box{0.9F, 0.9F, 0.2F, 0.3F},
                                  retail::zones::Anchor::kBottomCenter);
  EXPECT_FLOAT_EQ(p.x, 1.0F);  // clamped into the frame
  EXPECT_FLOAT_EQ(p.y, 1.0F);
}

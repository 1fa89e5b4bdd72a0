// Geometry parsing and validation: every bad entry is a kConfig error naming its JSON path.
#include <gtest/gtest.h>

#include "common/error.h"
#include "zones/config.h"

using retail::ErrorKind;
using retail::zones::parse_geometry;

namespace {

// The error message of parsing `json`, or "" when it parsed.
std::string error_of(const std::string& json, ErrorKind* kind = nullptr) {
  try {
    parse_geometry(json, "store.json");
  } catch (const retail::Error& e) {
    if (kind != nullptr) *kind = e.kind();
    return e.what();
  }
  return "";
}

void expect_error(const std::string& json, const std::vector<std::string>& parts) {
  ErrorKind kind = ErrorKind::kInternal;
  const std::string msg = error_of(json, &kind);
  ASSERT_FALSE(msg.empty()) << "accepted: " << json;
  EXPECT_EQ(kind, ErrorKind::kConfig) << msg;
  EXPECT_NE(msg.find("store.json"), std::string::npos) << msg;
  for (const auto& p : parts)
    EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
}

const char* kSquare = R"([[0.1, 0.1], [0.3, 0.1], [0.3, 0.3], [0.1, 0.3]])";

}  // namespace

TEST(ZonesConfig, ParsesAFullGeometry) {
  auto g = parse_geometry(R"({
    "anchor": "center", "classes": ["person", "face"], "hysteresis": 0.02,
    "track_timeout_ms": 1500,
    "lines": [{"id": "door", "points": [{"x": 0.1, "y": 0.5}, [0.9, 0.5]], "in": "up",
               "entrance": true}],
    "zones": [{"id": "a", "points": )" +
                              std::string(kSquare) + R"(},
              {"id": "q", "type": "queue", "points": )" +
                              kSquare + R"(, "min_dwell_ms": 0,
               "interval_ms": 2000, "wait_samples": 3}],
    "heatmap": {"grid_w": 20, "grid_h": 10, "interval_ms": 5000, "png": "h.png"},
    "occupancy": {"daily_reset": "03:30", "utc_offset_minutes": -300, "max": 50}})",
                          "t");
  EXPECT_EQ(g.anchor, retail::zones::Anchor::kCenter);
  EXPECT_EQ(g.classes.size(), 2U);
  EXPECT_FLOAT_EQ(g.hysteresis, 0.02F);
  EXPECT_EQ(g.track_timeout_ms, 1500);
  ASSERT_EQ(g.lines.size(), 1U);
  EXPECT_EQ(g.lines[0].points.size(), 2U);
  EXPECT_FLOAT_EQ(g.lines[0].points[0].x, 0.1F);
  EXPECT_FLOAT_EQ(g.lines[0].in_direction.y, -1.F);
  EXPECT_TRUE(g.lines[0].entrance);
  EXPECT_TRUE(g.has_entrance());
  ASSERT_EQ(g.zones.size(), 2U);
  EXPECT_EQ(g.zones[0].type, retail::zones::ZoneType::kZone);
  EXPECT_EQ(g.zones[0].min_dwell_ms, retail::zones::ZoneConfig{}.min_dwell_ms);
  EXPECT_EQ(g.zones[1].type, retail::zones::ZoneType::kQueue);
  EXPECT_EQ(g.zones[1].interval_ms, 2000);
  EXPECT_EQ(g.zones[1].wait_samples, 3);
  EXPECT_TRUE(g.heatmap.enabled);
  EXPECT_EQ(g.heatmap.grid_w, 20);
  EXPECT_EQ(g.heatmap.png, "h.png");
  EXPECT_EQ(g.occupancy.reset_minute, 210);
  EXPECT_EQ(g.occupancy.utc_offset_minutes, -300);
  EXPECT_EQ(g.occupancy.max, 50);
}

TEST(ZonesConfig, SelfIntersectingPolygon) {
  expect_error(R"({"zones": [{"id": "ok", "points": )" + std::string(kSquare) + R"(},
      {"id": "ok2", "points": )" +
                   kSquare + R"(},
      {"id": "bowtie", "points": [[0.1, 0.1], [0.3, 0.3], [0.3, 0.1], [0.1, 0.3]]}]})",
               {"zones[2].points", "self-intersecting", "in order around the zone"});
  // Folding back along an edge is self-intersecting too.
  expect_error(R"({"zones": [{"id": "z", "points": [[0.1, 0.1], [0.5, 0.1], [0.3, 0.1],
      [0.3, 0.4]]}]})",
               {"zones[0].points", "self-intersecting"});
}

TEST(ZonesConfig, LineNeedsTwoPoints) {
  expect_error(R"({"lines": [{"id": "l", "points": [[0.5, 0.5]], "in": "up"}]})",
               {"lines[0].points", "at least 2 points", "got 1"});
  expect_error(R"({"lines": [{"id": "l", "in": "up"}]})", {"lines[0].points", "missing"});
  expect_error(R"({"zones": [{"id": "z", "points": [[0.1, 0.1], [0.2, 0.2]]}]})",
               {"zones[0].points", "at least 3 points"});
}

TEST(ZonesConfig, CoordinatesOutsideTheFrame) {
  expect_error(R"({"zones": [{"id": "z", "points": [[0.1, 0.1], [0.3, 0.1], [1.2, 0.3]]}]})",
               {"zones[0].points[2]", "outside [0,1]", "normalized"});
  expect_error(R"({"lines": [{"id": "l", "points": [[0.1, 0.1], [{"x": 0.5, "y": -0.1}]],
      "in": "up"}]})",
               {"lines[0].points[1]"});
  expect_error(R"({"lines": [{"id": "l", "points": [[0.1, 0.1], [384, 288]], "in": "up"}]})",
               {"lines[0].points[1]", "outside [0,1]"});
}

TEST(ZonesConfig, UnknownZoneTypeAndKeys) {
  expect_error(
      R"({"zones": [{"id": "z", "type": "checkout", "points": )" + std::string(kSquare) + "}]}",
      {"zones[0].type", "checkout", "\"zone\" or \"queue\""});
  expect_error(
      R"({"zones": [{"id": "z", "points": )" + std::string(kSquare) + R"(, "min_dwel_ms": 5}]})",
      {"zones[0].min_dwel_ms", "unknown key", "min_dwell_ms"});
  expect_error(R"({"lanes": []})", {"lanes", "unknown key"});
  expect_error(R"({"anchor": "feet", "lines": []})", {"anchor", "bottom-center"});
  expect_error(R"({"classes": ["dog"], "heatmap": {}})", {"classes[0]", "dog"});
}

TEST(ZonesConfig, DuplicateIds) {
  expect_error(R"({"lines": [{"id": "a", "points": [[0.1, 0.1], [0.2, 0.2]], "in": "up"}],
      "zones": [{"id": "a", "points": )" +
                   std::string(kSquare) + "}]}",
               {"zones[0].id", "duplicate id 'a'"});
}

TEST(ZonesConfig, LineDirection) {
  expect_error(R"({"lines": [{"id": "l", "points": [[0.1, 0.5], [0.9, 0.5]], "in": "north"}]})",
               {"lines[0].in", "north"});
  expect_error(R"({"lines": [{"id": "l", "points": [[0.1, 0.5], [0.9, 0.5]], "in": "right"}]})",
               {"lines[0].in", "parallel to segment 0"});
}

TEST(ZonesConfig, ValuesAndShapes) {
  expect_error("[1, 2]", {"(top level)", "object"});
  expect_error("{}", {"nothing to compute"});
  expect_error("{\"zones\": 3}", {"zones", "array"});
  expect_error(
      R"({"zones": [{"id": "z", "points": )" + std::string(kSquare) + R"(, "min_dwell_ms": -5}]})",
      {"zones[0].min_dwell_ms", "whole number"});
  expect_error(R"({"heatmap": {"grid_w": 0}})", {"heatmap.grid_w"});
  expect_error(R"({"heatmap": {}, "occupancy": {"daily_reset": "25:00"}})",
               {"occupancy.daily_reset", "HH:MM"});
  expect_error(R"({"hysteresis": 0.5, "heatmap": {}})", {"hysteresis"});
  expect_error("{\"zones\": [", {"invalid JSON"});
}

TEST(ZonesConfig, FileAndInlineSources) {
  retail::zones::Config c;
  try {
    retail::zones::load_geometry(c);
    FAIL() << "no geometry accepted";
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("zones-json"), std::string::npos);
  }
  c.zones_file = "/nonexistent/zones.json";
  try {
    retail::zones::load_geometry(c);
    FAIL();
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/zones.json"), std::string::npos);
  }
  c.zones_json = R"({"heatmap": {}})";
  try {
    retail::zones::load_geometry(c);
    FAIL();
  } catch (const retail::Error& e) {
    EXPECT_NE(std::string(e.what()).find("only one"), std::string::npos);
  }
  c.zones_file.clear();
  EXPECT_TRUE(retail::zones::load_geometry(c).heatmap.enabled);
  c.zones_json.clear();
  c.zones_file = std::string(RETAIL_SOURCE_DIR) + "/tests/data/pets_zones.json";
  auto g = retail::zones::load_geometry(c);
  EXPECT_EQ(g.lines.size(), 1U);
  EXPECT_EQ(g.zones.size(), 2U);
}

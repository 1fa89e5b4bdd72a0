// Store geometry for retailzones: lines, zones, queues, heatmap and occupancy settings, parsed
// from JSON (a file or inline text, e.g. the `zones` section of a retail-launch store config).
//
// {
//   "anchor": "bottom-center",     // reference point of a box: bottom-center | center | top-center
//   "classes": ["person"],         // object classes counted: person, face
//   "hysteresis": 0.01,            // normalized distance a point must clear a line/edge by
//   "track_timeout_ms": 2000,      // a track unseen this long leaves every zone
//   "lines": [{"id": "door", "points": [[0.1,0.5],[0.9,0.5]], "in": "down", "entrance": true}],
//   "zones": [{"id": "display", "type": "zone", "points": [[x,y],...], "min_dwell_ms": 3000},
//             {"id": "till", "type": "queue", "points": [...], "interval_ms": 5000,
//              "wait_samples": 10}],
//   "heatmap": {"grid_w": 32, "grid_h": 18, "interval_ms": 60000, "png": "heat-%d.png"},
//   "occupancy": {"daily_reset": "04:00", "utc_offset_minutes": 60, "max": 5000}
// }
//
// A line's "in" is the direction of travel counted as "in": "up", "down", "left", "right" or a
// vector [dx, dy] (image axes: x right, y down); without it, "in" is towards the left-hand side of
// the line as drawn from its first to its last point (drawn left to right: "in" = upwards). Points
// are [x, y] pairs or {"x":..,"y":..} objects in [0,1]. Every problem throws retail::Error(kConfig)
// naming the entry (e.g. `zones[2].points`) and the fix.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/analytics.h"
#include "zones/polygon.h"

namespace retail::zones {

enum class Anchor { kBottomCenter, kCenter, kTopCenter };
const char* to_string(Anchor a);

struct LineConfig {
  std::string id;
  Polyline points;
  // The travel direction counted as "in"; {0, 0} (no "in" given) = towards the left-hand side of
  // each segment as drawn from its first point to its last (a line drawn left to right: upwards).
  Point in_direction{0.F, 0.F};
  bool entrance = false;  // crossings feed the store-level occupancy
};

enum class ZoneType { kZone, kQueue };
const char* to_string(ZoneType t);

struct ZoneConfig {
  std::string id;
  ZoneType type = ZoneType::kZone;
  Polygon points;
  int64_t min_dwell_ms = 1000;  // shorter visits produce no `dwell` event (passers-by)
  int64_t interval_ms = 5000;   // queues: `queue_status` period
  int wait_samples = 10;        // queues: how many recent leavers the waiting time averages
};

struct HeatmapConfig {
  bool enabled = false;
  int grid_w = 32;
  int grid_h = 18;
  int64_t interval_ms = 60000;
  std::string png;  // optional PNG path; "%d" is replaced by the window number
};

struct OccupancyConfig {
  int reset_minute = 0;  // local minute of the day at which counts return to zero
  int utc_offset_minutes = 0;
  int64_t max = 100000;  // the count is clamped to [0, max]
};

struct Geometry {
  Anchor anchor = Anchor::kBottomCenter;
  std::vector<ObjectClass> classes{ObjectClass::kPerson};
  float hysteresis = 0.01F;
  int64_t track_timeout_ms = 2000;
  std::vector<LineConfig> lines;
  std::vector<ZoneConfig> zones;
  HeatmapConfig heatmap;
  OccupancyConfig occupancy;

  bool has_entrance() const;
};

// Parses geometry from JSON text; `what` names the source in error messages.
Geometry parse_geometry(const std::string& json_text, const std::string& what);
// Reads a geometry file (kNotFound when missing).
Geometry load_geometry_file(const std::string& path);

// Element configuration (each field is one retailzones property, same default).
struct Config {
  std::string zones_file;  // "zones"
  std::string zones_json;  // "zones-json"
};
// The geometry named by `config`: exactly one of the file and the inline JSON must be set.
Geometry load_geometry(const Config& config);

}  // namespace retail::zones

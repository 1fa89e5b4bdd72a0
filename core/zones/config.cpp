#include "zones/config.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "common/error.h"
#include "common/json.h"

namespace retail::zones {

const char* to_string(Anchor a) {
  switch (a) {
    case Anchor::kBottomCenter:
      return "bottom-center";
    case Anchor::kCenter:
      return "center";
    case Anchor::kTopCenter:
      return "top-center";
  }
  return "?";
}

const char* to_string(ZoneType t) { return t == ZoneType::kQueue ? "queue" : "zone"; }

bool Geometry::has_entrance() const {
  for (const auto& l : lines) {
    if (l.entrance) return true;
  }
  return false;
}

namespace {

// Reads one JSON document, naming the source and the JSON path of every problem.
class Reader {
 public:
  explicit Reader(std::string what) : what_(std::move(what)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw Error(ErrorKind::kConfig, what_ + ": " + path + ": " + problem);
  }

  JsonObject* object(JsonNode* node, const std::string& path) const {
    if (node == nullptr || !JSON_NODE_HOLDS_OBJECT(node)) fail(path, "must be a JSON object {...}");
    return json_node_get_object(node);
  }
  JsonArray* array(JsonNode* node, const std::string& path) const {
    if (node == nullptr || !JSON_NODE_HOLDS_ARRAY(node)) fail(path, "must be a JSON array [...]");
    return json_node_get_array(node);
  }
  double number(JsonNode* node, const std::string& path) const {
    if (node == nullptr || !JSON_NODE_HOLDS_VALUE(node)) fail(path, "must be a number");
    const GType t = json_node_get_value_type(node);
    if (t == G_TYPE_INT64) return static_cast<double>(json_node_get_int(node));
    if (t == G_TYPE_DOUBLE) return json_node_get_double(node);
    fail(path, "must be a number");
  }
  int64_t integer(JsonNode* node, const std::string& path, int64_t lo, int64_t hi) const {
    const double v = number(node, path);
    if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      fail(path, "must be a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                     "], got " + json::to_string(node));
    }
    return static_cast<int64_t>(v);
  }
  std::string string(JsonNode* node, const std::string& path) const {
    if (node == nullptr || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
      fail(path, "must be a string");
    }
    return json_node_get_string(node);
  }
  bool boolean(JsonNode* node, const std::string& path) const {
    if (node == nullptr || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_BOOLEAN) {
      fail(path, "must be true or false");
    }
    return json_node_get_boolean(node) != FALSE;
  }
  // Rejects members outside `known` (a typo would otherwise be silently ignored).
  void only(JsonObject* obj, const std::string& path, const std::set<std::string>& known) const {
    GList* members = json_object_get_members(obj);
    for (GList* m = members; m != nullptr; m = m->next) {
      const std::string name = static_cast<const char*>(m->data);
      if (known.count(name) == 0) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        g_list_free(members);
        fail(path + "." + name, "unknown key; use one of: " + list);
      }
    }
    g_list_free(members);
  }

  Point point(JsonNode* node, const std::string& path) const {
    Point p;
    if (node != nullptr && JSON_NODE_HOLDS_ARRAY(node)) {
      JsonArray* a = json_node_get_array(node);
      if (json_array_get_length(a) != 2) fail(path, "a point is [x, y] (two numbers)");
      p.x = static_cast<float>(number(json_array_get_element(a, 0), path + "[0]"));
      p.y = static_cast<float>(number(json_array_get_element(a, 1), path + "[1]"));
    } else if (node != nullptr && JSON_NODE_HOLDS_OBJECT(node)) {
      JsonObject* o = json_node_get_object(node);
      only(o, path, {"x", "y"});
      p.x = static_cast<float>(number(json_object_get_member(o, "x"), path + ".x"));
      p.y = static_cast<float>(number(json_object_get_member(o, "y"), path + ".y"));
    } else {
      fail(path, "a point is [x, y] or {\"x\": .., \"y\": ..}");
    }
    if (!(p.x >= 0.F && p.x <= 1.F && p.y >= 0.F && p.y <= 1.F)) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "(%g, %g)", static_cast<double>(p.x),
                    static_cast<double>(p.y));
      fail(path, std::string("coordinates ") + buf +
                     " are outside [0,1]; use normalized coordinates (pixel x / frame width, "
                     "pixel y / frame height)");
    }
    return p;
  }
  std::vector<Point> points(JsonObject* obj, const std::string& path) const {
    JsonNode* node = json_object_get_member(obj, "points");
    if (node == nullptr) fail(path + ".points", "missing; give a list of [x, y] points");
    JsonArray* a = array(node, path + ".points");
    std::vector<Point> out;
    for (guint i = 0; i < json_array_get_length(a); ++i) {
      out.push_back(
          point(json_array_get_element(a, i), path + ".points[" + std::to_string(i) + "]"));
    }
    return out;
  }

 private:
  std::string what_;
};

Point direction(const Reader& r, JsonNode* node, const std::string& path) {
  if (node != nullptr && JSON_NODE_HOLDS_VALUE(node) &&
      json_node_get_value_type(node) == G_TYPE_STRING) {
    const std::string s = json_node_get_string(node);
    if (s == "up") return {0.F, -1.F};
    if (s == "down") return {0.F, 1.F};
    if (s == "left") return {-1.F, 0.F};
    if (s == "right") return {1.F, 0.F};
    r.fail(path, "unknown direction '" + s + "'; use up, down, left, right or a vector [dx, dy]");
  }
  if (node != nullptr && JSON_NODE_HOLDS_ARRAY(node)) {
    JsonArray* a = json_node_get_array(node);
    if (json_array_get_length(a) == 2) {
      Point d{static_cast<float>(r.number(json_array_get_element(a, 0), path + "[0]")),
              static_cast<float>(r.number(json_array_get_element(a, 1), path + "[1]"))};
      if (d.x != 0.F || d.y != 0.F) return d;
    }
  }
  r.fail(path, "the direction counted as \"in\": up, down, left, right or a non-zero [dx, dy]");
}

LineConfig parse_line(const Reader& r, JsonNode* node, const std::string& path) {
  JsonObject* o = r.object(node, path);
  r.only(o, path, {"id", "points", "in", "entrance"});
  LineConfig line;
  line.id = r.string(json_object_get_member(o, "id"), path + ".id");
  if (line.id.empty()) r.fail(path + ".id", "must not be empty");
  line.points = r.points(o, path);
  if (line.points.size() < 2) {
    r.fail(path + ".points", "a line needs at least 2 points, got " +
                                 std::to_string(line.points.size()) + "; add [x, y] points");
  }
  for (size_t i = 0; i + 1 < line.points.size(); ++i) {
    const Point a = line.points[i];
    const Point b = line.points[i + 1];
    if (a.x == b.x && a.y == b.y) {
      r.fail(path + ".points[" + std::to_string(i + 1) + "]",
             "repeats the previous point; remove it");
    }
  }
  if (json_object_has_member(o, "in")) {
    line.in_direction = direction(r, json_object_get_member(o, "in"), path + ".in");
    for (size_t i = 0; i + 1 < line.points.size(); ++i) {
      const Point a = line.points[i];
      const Point b = line.points[i + 1];
      // The in direction must not run along a segment.
      const float n_dot = -(b.y - a.y) * line.in_direction.x + (b.x - a.x) * line.in_direction.y;
      if (std::fabs(n_dot) < 1e-6F) {
        r.fail(path + ".in", "is parallel to segment " + std::to_string(i) +
                                 " of the line, so no crossing could be counted; give a "
                                 "direction across the line");
      }
    }
  }
  if (json_object_has_member(o, "entrance")) {
    line.entrance = r.boolean(json_object_get_member(o, "entrance"), path + ".entrance");
  }
  return line;
}

ZoneConfig parse_zone(const Reader& r, JsonNode* node, const std::string& path) {
  JsonObject* o = r.object(node, path);
  r.only(o, path, {"id", "type", "points", "min_dwell_ms", "interval_ms", "wait_samples"});
  ZoneConfig zone;
  zone.id = r.string(json_object_get_member(o, "id"), path + ".id");
  if (zone.id.empty()) r.fail(path + ".id", "must not be empty");
  if (json_object_has_member(o, "type")) {
    const std::string t = r.string(json_object_get_member(o, "type"), path + ".type");
    if (t == "zone") {
      zone.type = ZoneType::kZone;
    } else if (t == "queue") {
      zone.type = ZoneType::kQueue;
    } else {
      r.fail(path + ".type", "unknown zone type '" + t + "'; use \"zone\" or \"queue\"");
    }
  }
  zone.points = r.points(o, path);
  const std::string pp = path + ".points";
  if (zone.points.size() < 3) {
    r.fail(pp, "a zone needs at least 3 points, got " + std::to_string(zone.points.size()));
  }
  if (auto bad = self_intersection(zone.points)) {
    r.fail(pp, "the polygon is self-intersecting (edges " + std::to_string(bad->first) + " and " +
                   std::to_string(bad->second) +
                   " cross); list the points in order around the zone");
  }
  if (std::fabs(signed_area(zone.points)) < 1e-6F) {
    r.fail(pp, "the polygon has no area; give points that enclose the zone");
  }
  if (json_object_has_member(o, "min_dwell_ms")) {
    zone.min_dwell_ms =
        r.integer(json_object_get_member(o, "min_dwell_ms"), path + ".min_dwell_ms", 0, 86400000);
  }
  if (json_object_has_member(o, "interval_ms")) {
    zone.interval_ms =
        r.integer(json_object_get_member(o, "interval_ms"), path + ".interval_ms", 100, 86400000);
  }
  if (json_object_has_member(o, "wait_samples")) {
    zone.wait_samples = static_cast<int>(
        r.integer(json_object_get_member(o, "wait_samples"), path + ".wait_samples", 1, 10000));
  }
  return zone;
}

}  // namespace

namespace {

Geometry parse_node(JsonNode* root, const std::string& what) {
  const Reader r(what);
  JsonObject* o = r.object(root, "(top level)");
  r.only(o, "(top level)",
         {"anchor", "classes", "hysteresis", "track_timeout_ms", "lines", "zones", "heatmap",
          "occupancy"});
  Geometry g;
  if (json_object_has_member(o, "anchor")) {
    const std::string a = r.string(json_object_get_member(o, "anchor"), "anchor");
    if (a == "bottom-center") {
      g.anchor = Anchor::kBottomCenter;
    } else if (a == "center") {
      g.anchor = Anchor::kCenter;
    } else if (a == "top-center") {
      g.anchor = Anchor::kTopCenter;
    } else {
      r.fail("anchor", "unknown anchor '" + a + "'; use bottom-center, center or top-center");
    }
  }
  if (json_object_has_member(o, "classes")) {
    JsonArray* a = r.array(json_object_get_member(o, "classes"), "classes");
    g.classes.clear();
    for (guint i = 0; i < json_array_get_length(a); ++i) {
      const std::string p = "classes[" + std::to_string(i) + "]";
      const std::string c = r.string(json_array_get_element(a, i), p);
      if (c == "person") {
        g.classes.push_back(ObjectClass::kPerson);
      } else if (c == "face") {
        g.classes.push_back(ObjectClass::kFace);
      } else {
        r.fail(p, "unknown class '" + c + "'; use \"person\" or \"face\"");
      }
    }
    if (g.classes.empty()) r.fail("classes", "must name at least one class (\"person\")");
  }
  if (json_object_has_member(o, "hysteresis")) {
    const double h = r.number(json_object_get_member(o, "hysteresis"), "hysteresis");
    if (h < 0.0 || h > 0.2) r.fail("hysteresis", "must be in [0, 0.2] (normalized distance)");
    g.hysteresis = static_cast<float>(h);
  }
  if (json_object_has_member(o, "track_timeout_ms")) {
    g.track_timeout_ms =
        r.integer(json_object_get_member(o, "track_timeout_ms"), "track_timeout_ms", 0, 3600000);
  }
  std::set<std::string> ids;
  auto unique = [&](const std::string& id, const std::string& path) {
    if (!ids.insert(id).second) {
      r.fail(path, "duplicate id '" + id + "'; give every line and zone its own id");
    }
  };
  if (json_object_has_member(o, "lines")) {
    JsonArray* a = r.array(json_object_get_member(o, "lines"), "lines");
    for (guint i = 0; i < json_array_get_length(a); ++i) {
      const std::string p = "lines[" + std::to_string(i) + "]";
      g.lines.push_back(parse_line(r, json_array_get_element(a, i), p));
      unique(g.lines.back().id, p + ".id");
    }
  }
  if (json_object_has_member(o, "zones")) {
    JsonArray* a = r.array(json_object_get_member(o, "zones"), "zones");
    for (guint i = 0; i < json_array_get_length(a); ++i) {
      const std::string p = "zones[" + std::to_string(i) + "]";
      g.zones.push_back(parse_zone(r, json_array_get_element(a, i), p));
      unique(g.zones.back().id, p + ".id");
    }
  }
  if (json_object_has_member(o, "heatmap")) {
    JsonObject* h = r.object(json_object_get_member(o, "heatmap"), "heatmap");
    r.only(h, "heatmap", {"enabled", "grid_w", "grid_h", "interval_ms", "png"});
    g.heatmap.enabled = true;
    if (json_object_has_member(h, "enabled")) {
      g.heatmap.enabled = r.boolean(json_object_get_member(h, "enabled"), "heatmap.enabled");
    }
    if (json_object_has_member(h, "grid_w")) {
      g.heatmap.grid_w = static_cast<int>(
          r.integer(json_object_get_member(h, "grid_w"), "heatmap.grid_w", 1, 256));
    }
    if (json_object_has_member(h, "grid_h")) {
      g.heatmap.grid_h = static_cast<int>(
          r.integer(json_object_get_member(h, "grid_h"), "heatmap.grid_h", 1, 256));
    }
    if (json_object_has_member(h, "interval_ms")) {
      g.heatmap.interval_ms =
          r.integer(json_object_get_member(h, "interval_ms"), "heatmap.interval_ms", 100, 86400000);
    }
    if (json_object_has_member(h, "png")) {
      g.heatmap.png = r.string(json_object_get_member(h, "png"), "heatmap.png");
    }
  }
  if (json_object_has_member(o, "occupancy")) {
    JsonObject* oc = r.object(json_object_get_member(o, "occupancy"), "occupancy");
    r.only(oc, "occupancy", {"daily_reset", "utc_offset_minutes", "max"});
    if (json_object_has_member(oc, "daily_reset")) {
      const std::string s =
          r.string(json_object_get_member(oc, "daily_reset"), "occupancy.daily_reset");
      int hh = -1;
      int mm = -1;
      char tail = 0;
      if (std::sscanf(s.c_str(), "%d:%d%c", &hh, &mm, &tail) != 2 || hh < 0 || hh > 23 || mm < 0 ||
          mm > 59) {
        r.fail("occupancy.daily_reset", "'" + s + "' is not a time of day; use \"HH:MM\" (24 h)");
      }
      g.occupancy.reset_minute = hh * 60 + mm;
    }
    if (json_object_has_member(oc, "utc_offset_minutes")) {
      g.occupancy.utc_offset_minutes =
          static_cast<int>(r.integer(json_object_get_member(oc, "utc_offset_minutes"),
                                     "occupancy.utc_offset_minutes", -840, 840));
    }
    if (json_object_has_member(oc, "max")) {
      g.occupancy.max =
          r.integer(json_object_get_member(oc, "max"), "occupancy.max", 1, 1000000000);
    }
  }
  if (g.lines.empty() && g.zones.empty() && !g.heatmap.enabled) {
    r.fail("(top level)", "nothing to compute; add \"lines\", \"zones\" or a \"heatmap\"");
  }
  return g;
}

}  // namespace

Geometry parse_geometry(const std::string& json_text, const std::string& what) {
  json::NodePtr root = json::parse(json_text, what);
  return parse_node(root.get(), what);
}

Geometry load_geometry_file(const std::string& path) {
  json::NodePtr root = json::parse_file(path);  // kNotFound when missing
  return parse_node(root.get(), path);
}

Geometry load_geometry(const Config& config) {
  if (!config.zones_file.empty() && !config.zones_json.empty()) {
    throw Error(ErrorKind::kConfig,
                "both zones='" + config.zones_file +
                    "' and zones-json are set; set only one of them (a file or inline JSON)");
  }
  if (!config.zones_file.empty()) return load_geometry_file(config.zones_file);
  if (!config.zones_json.empty()) return parse_geometry(config.zones_json, "zones-json");
  throw Error(ErrorKind::kConfig,
              "no geometry: set zones=<file.json> or zones-json='{\"lines\": [...], \"zones\": "
              "[...]}'");
}

}  // namespace retail::zones

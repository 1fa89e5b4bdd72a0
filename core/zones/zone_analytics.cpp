#include "zones/zone_analytics.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/json.h"

namespace retail::zones {

namespace {

constexpr int64_t kNsPerMs = 1000000;
constexpr int64_t kDefaultFrameNs = 1000000000 / 30;

int8_t side_of(Point a, Point b, Point p) {
  const float c = cross(a, b, p);
  return static_cast<int8_t>((c > 0.F) - (c < 0.F));
}

std::string heatmap_path(const std::string& pattern, int window) {
  std::string out = pattern;
  const size_t pos = out.find("%d");
  if (pos != std::string::npos) out.replace(pos, 2, std::to_string(window));
  return out;
}

}  // namespace

Point anchor_point(const Box& box, Anchor anchor) {
  Point p{box.x + box.w / 2.F, box.y + box.h};
  if (anchor == Anchor::kCenter) p.y = box.y + box.h / 2.F;
  if (anchor == Anchor::kTopCenter) p.y = box.y;
  return {std::clamp(p.x, 0.F, 1.F), std::clamp(p.y, 0.F, 1.F)};
}

ZoneAnalytics::ZoneAnalytics(Geometry geometry) : geometry_(std::move(geometry)) {
  for (const auto& l : geometry_.lines) {
    LineTotals t;
    for (size_t i = 0; i + 1 < l.points.size(); ++i) {
      // The in-side of a segment is the side its "in" direction points to.
      const Point a = l.points[i];
      const Point b = l.points[i + 1];
      Point dir = l.in_direction;
      if (dir.x == 0.F && dir.y == 0.F) dir = {b.y - a.y, a.x - b.x};  // left-hand normal on screen
      t.in_sign.push_back(side_of(a, b, {a.x + dir.x, a.y + dir.y}));
    }
    lines_.push_back(std::move(t));
  }
  zones_.resize(geometry_.zones.size());
  for (size_t z = 0; z < zones_.size(); ++z) {
    const Polygon& poly = geometry_.zones[z].points;
    float x0 = 1.F, y0 = 1.F, x1 = 0.F, y1 = 0.F;
    for (const Point& q : poly) {
      x0 = std::min(x0, q.x);
      y0 = std::min(y0, q.y);
      x1 = std::max(x1, q.x);
      y1 = std::max(y1, q.y);
    }
    zones_[z].bounds = {x0, y0, x1 - x0, y1 - y0};
  }
  if (geometry_.heatmap.enabled) {
    heat_.cells.assign(static_cast<size_t>(geometry_.heatmap.grid_w) * geometry_.heatmap.grid_h, 0);
  }
}

std::vector<Event> ZoneAnalytics::update_frame(const FrameAnalytics& frame, int64_t pts_ns) {
  int64_t ts = pts_ns;
  if (ts < 0) ts = frame.source.pts_ns;
  if (ts < 0 && frame.source.capture_time_us > 0) ts = frame.source.capture_time_us * 1000;
  if (ts < 0) ts = started_ ? last_ts_ns_ + kDefaultFrameNs : 0;
  std::vector<Tracked> objects;
  objects.reserve(frame.objects.size());
  for (const Object& o : frame.objects) {
    if (o.track_id == 0) continue;
    if (std::find(geometry_.classes.begin(), geometry_.classes.end(), o.cls) ==
        geometry_.classes.end()) {
      continue;
    }
    objects.push_back({o.track_id, o.cls, o.box});
  }
  return update(objects, ts, frame.source.capture_time_us);
}

std::vector<Event> ZoneAnalytics::update(const std::vector<Tracked>& objects, int64_t ts_ns,
                                         int64_t capture_time_us) {
  std::vector<Event> out;
  if (!started_) {
    started_ = true;
    heat_.window_start_ns = ts_ns;
    for (size_t z = 0; z < zones_.size(); ++z) {
      zones_[z].next_status_ns = ts_ns + geometry_.zones[z].interval_ms * kNsPerMs;
    }
  }
  ts_ns = std::max(ts_ns, last_ts_ns_);  // time never runs backwards inside the analytics
  last_ts_ns_ = ts_ns;
  daily_reset(capture_time_us, out);

  // The heatmap window that ends before this frame goes out first.
  if (geometry_.heatmap.enabled) {
    const int64_t interval_ns = geometry_.heatmap.interval_ms * kNsPerMs;
    if (ts_ns - heat_.window_start_ns >= interval_ns) {
      emit_heatmap(geometry_.heatmap.interval_ms, out);
      heat_.window_start_ns += (ts_ns - heat_.window_start_ns) / interval_ns * interval_ns;
    }
  }

  for (const Tracked& obj : objects) {
    const Point p = anchor_point(obj.box, geometry_.anchor);
    auto [it, fresh] = tracks_.try_emplace(obj.track_id);
    TrackState& t = it->second;
    if (fresh) {
      t.lines.resize(lines_.size());
      t.zones.resize(zones_.size());
    }
    t.last_seen_ns = ts_ns;
    update_lines(obj.track_id, t, p, out);
    update_zones(obj.track_id, t, p, ts_ns, out);
    t.last = p;
    t.has_last = true;
    if (geometry_.heatmap.enabled) {
      const int gx = std::min(static_cast<int>(p.x * static_cast<float>(geometry_.heatmap.grid_w)),
                              geometry_.heatmap.grid_w - 1);
      const int gy = std::min(static_cast<int>(p.y * static_cast<float>(geometry_.heatmap.grid_h)),
                              geometry_.heatmap.grid_h - 1);
      ++heat_.cells[static_cast<size_t>(gy) * geometry_.heatmap.grid_w + gx];
    }
  }

  // Tracks unseen for longer than the timeout leave every zone (in track id order).
  std::vector<uint64_t> expired;
  for (const auto& [id, t] : tracks_) {
    if (ts_ns - t.last_seen_ns > geometry_.track_timeout_ms * kNsPerMs) expired.push_back(id);
  }
  std::sort(expired.begin(), expired.end());
  for (uint64_t id : expired) {
    TrackState& t = tracks_[id];
    for (size_t z = 0; z < zones_.size(); ++z) {
      if (t.zones[z].inside) leave_zone(id, z, t.zones[z], out);
    }
    tracks_.erase(id);
  }

  for (size_t z = 0; z < zones_.size(); ++z) {
    const ZoneConfig& zc = geometry_.zones[z];
    ZoneStats& zs = zones_[z];
    if (zc.type != ZoneType::kQueue || ts_ns < zs.next_status_ns) continue;
    int64_t sum = 0;
    for (int64_t w : zs.waits_ms) sum += w;
    const int64_t avg = zs.waits_ms.empty() ? 0 : sum / static_cast<int64_t>(zs.waits_ms.size());
    json::Writer w;
    w.field("zone_id", zc.id).field("length", zs.occupancy).field("avg_wait_ms", avg);
    out.push_back({"queue_status", w.str()});
    const int64_t interval_ns = zc.interval_ms * kNsPerMs;
    zs.next_status_ns += ((ts_ns - zs.next_status_ns) / interval_ns + 1) * interval_ns;
  }
  return out;
}

void ZoneAnalytics::update_lines(uint64_t track_id, TrackState& t, Point p,
                                 std::vector<Event>& out) {
  for (size_t i = 0; i < lines_.size(); ++i) {
    const LineConfig& lc = geometry_.lines[i];
    LineTotals& totals = lines_[i];
    LineTrack& lt = t.lines[i];
    if (t.has_last && crossed_segment(lc.points, t.last, p) >= 0) lt.passed = true;
    // The side counts only once the point clears the hysteresis band around the line.
    const Nearest n = nearest_segment(lc.points, p);
    if (n.distance <= geometry_.hysteresis) continue;
    const auto seg = static_cast<size_t>(n.segment);
    const int8_t raw = side_of(lc.points[seg], lc.points[seg + 1], p);
    if (raw == 0) continue;
    const int8_t side = static_cast<int8_t>(raw * totals.in_sign[seg]);
    if (lt.side != 0 && side != lt.side && lt.passed) {
      const bool in = side > 0;
      (in ? totals.in : totals.out) += 1;
      json::Writer w;
      w.field("line_id", lc.id)
          .field("track_id", track_id)
          .field("direction", in ? "in" : "out")
          .field("total_in", totals.in)
          .field("total_out", totals.out);
      out.push_back({"line_crossed", w.str()});
      if (lc.entrance) count_occupancy(in, out);
    }
    lt.side = side;
    lt.passed = false;
  }
}

void ZoneAnalytics::update_zones(uint64_t track_id, TrackState& t, Point p, int64_t ts_ns,
                                 std::vector<Event>& out) {
  for (size_t z = 0; z < zones_.size(); ++z) {
    const ZoneConfig& zc = geometry_.zones[z];
    ZoneTrack& v = t.zones[z];
    const bool in_poly = zones_[z].bounds.contains(p) && contains(zc.points, p);
    if (in_poly == v.inside) {
      if (v.inside) v.last_inside_ns = ts_ns;
      continue;
    }
    // A change of state needs the point to clear the hysteresis band around the edge.
    if (distance_to_boundary(zc.points, p) <= geometry_.hysteresis) {
      if (v.inside) v.last_inside_ns = ts_ns;
      continue;
    }
    if (in_poly) {
      v.inside = true;
      v.enter_ns = ts_ns;
      v.last_inside_ns = ts_ns;
      ZoneStats& zs = zones_[z];
      ++zs.occupancy;
      json::Writer w;
      w.field("zone_id", zc.id).field("track_id", track_id).field("occupancy", zs.occupancy);
      out.push_back({"zone_entered", w.str()});
    } else {
      leave_zone(track_id, z, v, out);
    }
  }
}

void ZoneAnalytics::leave_zone(uint64_t track_id, size_t zone, ZoneTrack& v,
                               std::vector<Event>& out) {
  const ZoneConfig& zc = geometry_.zones[zone];
  ZoneStats& zs = zones_[zone];
  v.inside = false;
  zs.occupancy = std::max<int64_t>(0, zs.occupancy - 1);
  {
    json::Writer w;
    w.field("zone_id", zc.id).field("track_id", track_id).field("occupancy", zs.occupancy);
    out.push_back({"zone_exited", w.str()});
  }
  const int64_t dwell_ms = (v.last_inside_ns - v.enter_ns) / kNsPerMs;
  if (dwell_ms < zc.min_dwell_ms) return;  // a passer-by
  json::Writer w;
  w.field("zone_id", zc.id).field("track_id", track_id).field("dwell_ms", dwell_ms);
  out.push_back({"dwell", w.str()});
  if (zc.type == ZoneType::kQueue) {
    zs.waits_ms.push_back(dwell_ms);
    while (zs.waits_ms.size() > static_cast<size_t>(zc.wait_samples)) zs.waits_ms.pop_front();
  }
}

Event ZoneAnalytics::occupancy_event() const {
  json::Writer w;
  w.field("count", occupancy_.count).field("in", occupancy_.in).field("out", occupancy_.out);
  return {"occupancy", w.str()};
}

void ZoneAnalytics::count_occupancy(bool in, std::vector<Event>& out) {
  if (in) {
    ++occupancy_.in;
    occupancy_.count = std::min(occupancy_.count + 1, geometry_.occupancy.max);
  } else {
    ++occupancy_.out;
    occupancy_.count = std::max<int64_t>(occupancy_.count - 1, 0);
  }
  out.push_back(occupancy_event());
}

void ZoneAnalytics::daily_reset(int64_t capture_time_us, std::vector<Event>& out) {
  if (capture_time_us <= 0 || !geometry_.has_entrance()) return;
  const int64_t local_min = capture_time_us / 60000000 + geometry_.occupancy.utc_offset_minutes -
                            geometry_.occupancy.reset_minute;
  const int64_t day = local_min >= 0 ? local_min / 1440 : (local_min - 1439) / 1440;
  if (occupancy_.day != INT64_MIN && day != occupancy_.day) {
    occupancy_.count = 0;
    occupancy_.in = 0;
    occupancy_.out = 0;
    out.push_back(occupancy_event());
  }
  occupancy_.day = day;
}

void ZoneAnalytics::emit_heatmap(int64_t window_ms, std::vector<Event>& out) {
  const HeatmapConfig& hc = geometry_.heatmap;
  json::Writer w;
  w.field("grid_w", hc.grid_w).field("grid_h", hc.grid_h).field("window_ms", window_ms);
  w.key("cells").begin_array();
  for (int64_t c : heat_.cells) w.value(c);
  w.end_array();
  out.push_back({"heatmap", w.str()});
  if (!hc.png.empty()) {
    cv::Mat counts(hc.grid_h, hc.grid_w, CV_32F);
    for (int y = 0; y < hc.grid_h; ++y) {
      for (int x = 0; x < hc.grid_w; ++x) {
        counts.at<float>(y, x) =
            static_cast<float>(heat_.cells[static_cast<size_t>(y) * hc.grid_w + x]);
      }
    }
    cv::Mat gray;
    cv::Mat color;
    cv::Mat big;
    cv::normalize(counts, gray, 0, 255, cv::NORM_MINMAX, CV_8U);
    cv::applyColorMap(gray, color, cv::COLORMAP_JET);
    const int scale = std::max(1, 640 / hc.grid_w);
    cv::resize(color, big, cv::Size(hc.grid_w * scale, hc.grid_h * scale), 0, 0, cv::INTER_NEAREST);
    const std::string path = heatmap_path(hc.png, heat_.window);
    bool ok = false;
    try {
      ok = cv::imwrite(path, big);
    } catch (const cv::Exception&) {
      ok = false;
    }
    if (!ok) {
      warnings_.push_back("cannot write heatmap PNG '" + path +
                          "': check that the folder exists, is writable and has space, and that "
                          "the name ends in .png");
    }
  }
  std::fill(heat_.cells.begin(), heat_.cells.end(), 0);
  ++heat_.window;
}

std::vector<Region> ZoneAnalytics::regions() const {
  std::vector<Region> out;
  out.reserve(lines_.size() + zones_.size());
  for (size_t i = 0; i < lines_.size(); ++i) {
    Region r;
    r.id = geometry_.lines[i].id;
    r.kind = "line";
    r.points = geometry_.lines[i].points;
    r.count_in = lines_[i].in;
    r.count_out = lines_[i].out;
    r.occupancy = geometry_.lines[i].entrance ? occupancy_.count : 0;
    out.push_back(std::move(r));
  }
  for (size_t z = 0; z < zones_.size(); ++z) {
    Region r;
    r.id = geometry_.zones[z].id;
    r.kind = to_string(geometry_.zones[z].type);
    r.points = geometry_.zones[z].points;
    r.occupancy = zones_[z].occupancy;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> ZoneAnalytics::take_warnings() {
  std::vector<std::string> w;
  w.swap(warnings_);
  return w;
}

}  // namespace retail::zones

// Store analytics from tracks: line crossings, zone visits and dwell, queues, heatmap and
// store-level occupancy. Fed one frame at a time with tracked objects and the frame's time
// (PTS); it never reads a clock, so the same tracks always give the same events.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/analytics.h"
#include "zones/config.h"

namespace retail::zones {

// One tracked object on one frame.
struct Tracked {
  uint64_t track_id = 0;
  ObjectClass cls = ObjectClass::kPerson;
  Box box;  // normalized
};

// The reference point of a box (bottom-centre for people by default), clamped to [0,1].
Point anchor_point(const Box& box, Anchor anchor);

class ZoneAnalytics {
 public:
  explicit ZoneAnalytics(Geometry geometry);

  // Processes one frame. `ts_ns` is the frame time (PTS; must not go backwards by much),
  // `capture_time_us` its wall-clock capture time (0 = unknown; only the daily occupancy reset
  // uses it). Returns the events produced on this frame, in a fixed order.
  std::vector<Event> update(const std::vector<Tracked>& objects, int64_t ts_ns,
                            int64_t capture_time_us = 0);
  // Picks the tracked objects of the configured classes from `frame`. Time: `pts_ns` when >= 0,
  // else the frame's own PTS, else its capture time, else the previous frame + 1/30 s.
  std::vector<Event> update_frame(const FrameAnalytics& frame, int64_t pts_ns);

  // Lines and zones with their live counts, for drawing.
  std::vector<Region> regions() const;
  // Problems met while running that did not stop the analytics (e.g. a heatmap PNG that could
  // not be written); cleared by the call.
  std::vector<std::string> take_warnings();

  const Geometry& geometry() const { return geometry_; }
  int64_t line_in(size_t line) const { return lines_[line].in; }
  int64_t line_out(size_t line) const { return lines_[line].out; }
  int64_t zone_occupancy(size_t zone) const { return zones_[zone].occupancy; }
  int64_t store_occupancy() const { return occupancy_.count; }
  const std::vector<int64_t>& heatmap_cells() const { return heat_.cells; }  // current window

 private:
  struct LineTrack {
    int8_t side = 0;      // last side cleared by the hysteresis band: +1 in-side, -1 out-side
    bool passed = false;  // the path went through the line since `side` was set
  };
  struct ZoneTrack {
    bool inside = false;
    int64_t enter_ns = 0;
    int64_t last_inside_ns = 0;
  };
  struct TrackState {
    Point last;
    bool has_last = false;
    int64_t last_seen_ns = 0;
    std::vector<LineTrack> lines;
    std::vector<ZoneTrack> zones;
  };
  struct LineTotals {
    int64_t in = 0;
    int64_t out = 0;
    std::vector<int8_t> in_sign;  // per segment: which side of it is the in-side
  };
  struct ZoneStats {
    Box bounds;  // of the polygon: most points are rejected without the full test
    int64_t occupancy = 0;
    std::deque<int64_t> waits_ms;  // queues: dwell of recent leavers
    int64_t next_status_ns = 0;
  };
  struct Heat {
    std::vector<int64_t> cells;
    int64_t window_start_ns = 0;
    int window = 0;
  };
  struct Occupancy {
    int64_t count = 0;
    int64_t in = 0;
    int64_t out = 0;
    int64_t day = INT64_MIN;
  };

  void update_lines(uint64_t track_id, TrackState& t, Point p, std::vector<Event>& out);
  void update_zones(uint64_t track_id, TrackState& t, Point p, int64_t ts_ns,
                    std::vector<Event>& out);
  void leave_zone(uint64_t track_id, size_t zone, ZoneTrack& v, std::vector<Event>& out);
  void count_occupancy(bool in, std::vector<Event>& out);
  void daily_reset(int64_t capture_time_us, std::vector<Event>& out);
  void emit_heatmap(int64_t window_ms, std::vector<Event>& out);
  Event occupancy_event() const;

  Geometry geometry_;
  std::vector<LineTotals> lines_;
  std::vector<ZoneStats> zones_;
  std::unordered_map<uint64_t, TrackState> tracks_;
  Heat heat_;
  Occupancy occupancy_;
  bool started_ = false;
  int64_t last_ts_ns_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace retail::zones

// The adoverlay engine: everything the element does per frame except pixels. It owns the
// campaigns (validated at construction), the decoded creatives, the playout schedule and the HUD
// counters, and turns each frame's analytics into a Scene to draw plus the ad_impression events
// to append to that frame. Stream time comes from PTS, so a replayed file gives the same result.
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "campaign/playout.h"
#include "common/analytics.h"
#include "overlay/scene.h"

namespace retail::overlay {

// Element settings; each field is one adoverlay property, with the same default.
struct Settings {
  Config scene;
  std::string campaigns_file;            // "campaigns-file": "" = no ad panel
  bool viewers_require_liveness = true;  // "viewers-require-liveness"
  int64_t audience_window_ms = 1000;     // "audience-window-ms"
};

struct FrameOutput {
  Scene scene;
  std::vector<Event> events;  // ad_impression events of creatives that ended on this frame
};

class Engine {
 public:
  // Loads and checks the campaigns file and every creative (throws retail::Error naming the
  // file and the JSON path). `anchor_wall_us` is the wall-clock time of the first frame when
  // frames carry no capture time (then timestamps are anchor + stream time).
  Engine(Settings settings, int64_t anchor_wall_us);

  // Warnings for the user found at construction (e.g. rules disabled by privacy=eu).
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Decoded creatives (premultiplied BGRA), indexed like Scene::panel.creative.
  const std::vector<cv::Mat>& creatives() const { return creatives_; }
  bool has_campaigns() const { return playout_.has_value(); }

  // `pts_ns` < 0 when the buffer has no timestamp (then 40 ms after the previous frame).
  FrameOutput process(const FrameAnalytics& frame, int width, int height, int64_t pts_ns);
  // Ends the creative on screen (EOS / stop) and returns its impression.
  std::optional<Event> finish();

  std::string current_creative() const;
  uint64_t impressions() const { return impressions_; }

 private:
  Settings settings_;
  int64_t anchor_wall_us_;
  std::vector<std::string> warnings_;
  std::vector<cv::Mat> creatives_;
  std::vector<cv::Size> sizes_;
  std::optional<campaign::Playout> playout_;
  HudCounter hud_;
  int64_t first_pts_ms_ = -1;
  int64_t last_pts_ms_ = -1;
  int64_t frame_ms_ = 0;  // last frame interval, so the final impression covers the last frame
  int64_t last_wall_us_ = 0;
  uint64_t impressions_ = 0;
};

}  // namespace retail::overlay

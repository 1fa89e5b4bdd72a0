// The overlay as a list of draw primitives in frame pixels: box outlines, text labels, region
// outlines, a HUD and the ad panel. Built by a pure function from the frame's analytics and the
// settings, so what is drawn (and, under privacy=eu, what is NOT drawn) is decided and tested
// here; the renderer (plugins/adoverlay) only turns primitives into pixels.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "campaign/campaigns.h"
#include "campaign/playout.h"
#include "common/analytics.h"

namespace retail::overlay {

struct Rgba {
  double r = 1, g = 1, b = 1, a = 1;
  bool operator==(const Rgba& o) const { return r == o.r && g == o.g && b == o.b && a == o.a; }
};

enum class Corner { kTopLeft, kTopRight, kBottomLeft, kBottomRight };

struct Layers {
  bool boxes = true;       // "draw-boxes": person and face outlines
  bool ids = true;         // "draw-ids": track ids
  bool liveness = true;    // "draw-liveness": live/spoof badge on faces
  bool attributes = true;  // "draw-attributes": age band, gender, emotion (never under eu)
  bool hud = true;         // "draw-hud"
  bool regions = true;     // "draw-regions": lines and zones from retailzones
  bool panel = true;       // "draw-panel": the ad panel (needs campaigns)
};

struct Config {
  Layers layers;
  campaign::Privacy privacy = campaign::Privacy::kNone;  // "privacy"
  bool blur_faces = false;                               // "blur-faces"
  Corner panel_corner = Corner::kBottomRight;            // "panel-corner"
  double panel_width = 0.3;     // "panel-width": fraction of the frame width (0.05..1)
  double panel_opacity = 0.9;   // "panel-opacity" (0..1)
  int64_t panel_fade_ms = 400;  // "panel-fade-ms"
};

struct Stroke {
  cv::Rect rect;
  Rgba color;
  double width = 2;
};

struct Label {
  cv::Point anchor;  // top-left of the label box
  std::string text;
  Rgba text_color;
  Rgba background;
  double font_px = 12;
};

struct Polyline {
  std::vector<cv::Point> points;
  bool closed = false;
  Rgba color;
  double width = 2;
};

struct Hud {
  bool visible = false;
  cv::Point origin;  // top-left
  std::vector<std::string> lines;
  double font_px = 12;
  Rgba text_color;
  Rgba background;
};

struct Panel {
  bool visible = false;
  cv::Rect rect;
  int creative = -1;  // index into Campaigns::creatives (and the loaded images)
  int previous = -1;  // fading out, -1 = none
  double fade = 1.0;  // weight of `creative`; `previous` gets 1 - fade
  double opacity = 1.0;
};

struct Scene {
  std::vector<Stroke> strokes;
  std::vector<Label> labels;
  std::vector<Polyline> regions;
  Hud hud;
  Panel panel;
  std::vector<cv::Rect> blur;  // face boxes to blur in the video (pixels, clipped)

  bool draws_nothing() const {
    return strokes.empty() && labels.empty() && regions.empty() && !hud.visible && !panel.visible;
  }
  // Every string the renderer will draw (labels, region captions, HUD lines).
  std::vector<std::string> texts() const;
};

// Live figures for the HUD.
struct HudStats {
  double fps = 0;
  int64_t people_now = 0;
  int64_t faces_now = 0;
  int64_t live_viewers = 0;
  // Distinct track ids since start. Not people: a person who is lost and found again gets a new
  // id, so this over-counts footfall; the HUD labels it "track ids seen". Footfall comes from the
  // frame's line and zone regions (in/out, occupancy).
  int64_t tracks_seen = 0;
  std::string creative;  // "" when no panel
};

// `creative_sizes[i]`: pixel size of creative i (for the panel's aspect ratio).
Scene build_scene(const FrameAnalytics& frame, int width, int height, const Config& config,
                  const HudStats& hud, const campaign::PanelState& panel,
                  const std::vector<cv::Size>& creative_sizes);

// Frame rate from stream time and distinct people since start, for the HUD.
class HudCounter {
 public:
  // Counts distinct person track ids (or face track ids when a pipeline tracks no people): a
  // count of ids, not of people (re-identification after a loss starts a new id).
  // Ids unseen for `forget_ms` are forgotten (bounded memory): one that comes back counts again.
  explicit HudCounter(int64_t forget_ms = 60000) : forget_ms_(forget_ms) {}
  void update(const FrameAnalytics& frame, int64_t pts_ms);
  double fps() const;
  int64_t tracks_seen() const { return people_ > 0 ? people_ : faces_; }

 private:
  int64_t forget_ms_;
  std::vector<int64_t> times_;  // pts of recent frames (last second)
  std::unordered_map<uint64_t, int64_t> person_seen_, face_seen_;
  int64_t people_ = 0, faces_ = 0;
  int64_t last_prune_ms_ = 0;
};

}  // namespace retail::overlay

#include "overlay/engine.h"

#include "campaign/audience.h"
#include "common/log.h"
#include "overlay/creatives.h"

namespace retail::overlay {

Engine::Engine(Settings settings, int64_t anchor_wall_us)
    : settings_(std::move(settings)), anchor_wall_us_(anchor_wall_us) {
  if (settings_.campaigns_file.empty()) return;
  campaign::Campaigns c = campaign::load_campaigns(settings_.campaigns_file);
  warnings_ = campaign::apply_privacy(c, settings_.scene.privacy);
  for (const auto& w : warnings_) log::warning("overlay", w);
  creatives_ = load_creatives(c);
  for (const auto& m : creatives_) sizes_.push_back(m.size());
  campaign::PlayoutConfig pc;
  pc.fade_ms = settings_.scene.panel_fade_ms;
  pc.audience_window_ms = settings_.audience_window_ms;
  pc.demographics = settings_.scene.privacy == campaign::Privacy::kNone;
  playout_.emplace(std::move(c), pc);
}

FrameOutput Engine::process(const FrameAnalytics& frame, int width, int height, int64_t pts_ns) {
  int64_t pts_ms = pts_ns >= 0 ? pts_ns / 1000000 : (last_pts_ms_ >= 0 ? last_pts_ms_ + 40 : 0);
  if (first_pts_ms_ < 0 || pts_ms < last_pts_ms_) first_pts_ms_ = pts_ms;
  if (last_pts_ms_ >= 0 && pts_ms > last_pts_ms_) frame_ms_ = pts_ms - last_pts_ms_;
  last_pts_ms_ = pts_ms;
  const int64_t wall_us = frame.source.capture_time_us > 0
                              ? frame.source.capture_time_us
                              : anchor_wall_us_ + (pts_ms - first_pts_ms_) * 1000;
  last_wall_us_ = wall_us;

  const campaign::AudienceOptions opts{settings_.viewers_require_liveness,
                                       settings_.scene.privacy == campaign::Privacy::kNone};
  const campaign::AudienceSummary audience = campaign::summarize(frame, opts);
  hud_.update(frame, pts_ms);

  FrameOutput out;
  campaign::PanelState panel;
  if (playout_) {
    out.events =
        playout_->update(audience, pts_ms, wall_us, campaign::local_minute_of_day(wall_us));
    impressions_ += out.events.size();
    panel = playout_->panel();
  }
  HudStats stats;
  stats.fps = hud_.fps();
  stats.people_now = static_cast<int64_t>(audience.people);
  stats.faces_now = static_cast<int64_t>(audience.faces);
  stats.live_viewers = audience.viewers();
  stats.tracks_seen = hud_.tracks_seen();
  stats.creative = current_creative();
  out.scene = build_scene(frame, width, height, settings_.scene, stats, panel, sizes_);
  return out;
}

std::optional<Event> Engine::finish() {
  if (!playout_) return std::nullopt;
  // The last frame is on screen for one frame interval.
  auto e = playout_->finish(last_pts_ms_ < 0 ? 0 : last_pts_ms_ + frame_ms_,
                            last_wall_us_ + frame_ms_ * 1000);
  if (e) ++impressions_;
  return e;
}

std::string Engine::current_creative() const {
  return playout_ ? playout_->current_id() : std::string();
}

}  // namespace retail::overlay

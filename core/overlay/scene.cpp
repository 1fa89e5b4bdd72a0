#include "overlay/scene.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace retail::overlay {

namespace {

constexpr Rgba kPerson{0.25, 0.65, 1.0, 1.0};
constexpr Rgba kLive{0.2, 0.9, 0.35, 1.0};
constexpr Rgba kSpoof{1.0, 0.25, 0.2, 1.0};
constexpr Rgba kFace{1.0, 0.85, 0.2, 1.0};
constexpr Rgba kRegion{1.0, 0.55, 0.1, 1.0};
constexpr Rgba kWhite{1, 1, 1, 1};
constexpr Rgba kBlack{0, 0, 0, 1};
constexpr Rgba kShade{0, 0, 0, 0.6};

cv::Rect to_pixels(const Box& b, int width, int height) {
  const int x0 = static_cast<int>(std::lround(b.x * static_cast<float>(width)));
  const int y0 = static_cast<int>(std::lround(b.y * static_cast<float>(height)));
  const int x1 = static_cast<int>(std::lround(b.right() * static_cast<float>(width)));
  const int y1 = static_cast<int>(std::lround(b.bottom() * static_cast<float>(height)));
  return cv::Rect(cv::Point(x0, y0), cv::Point(x1, y1)) & cv::Rect(0, 0, width, height);
}

cv::Point to_pixels(const Point& p, int width, int height) {
  return {static_cast<int>(std::lround(p.x * static_cast<float>(width))),
          static_cast<int>(std::lround(p.y * static_cast<float>(height)))};
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

std::vector<std::string> Scene::texts() const {
  std::vector<std::string> out;
  for (const auto& l : labels) out.push_back(l.text);
  if (hud.visible) out.insert(out.end(), hud.lines.begin(), hud.lines.end());
  return out;
}

Scene build_scene(const FrameAnalytics& frame, int width, int height, const Config& config,
                  const HudStats& hud, const campaign::PanelState& panel,
                  const std::vector<cv::Size>& creative_sizes) {
  Scene s;
  if (width <= 0 || height <= 0) return s;
  const Layers& L = config.layers;
  const bool demographics = config.privacy == campaign::Privacy::kNone && L.attributes;
  const double font = std::max(10.0, std::round(height / 36.0));
  const double line_h = std::round(font * 1.4);
  const double stroke = std::max(2.0, std::round(height / 240.0));

  for (const Object& o : frame.objects) {
    const cv::Rect r = to_pixels(o.box, width, height);
    if (r.empty()) continue;
    const bool face = o.cls == ObjectClass::kFace;
    if (face && config.blur_faces) s.blur.push_back(r);

    const Attribute* live = face ? frame.attribute(o.id, "liveness") : nullptr;
    Rgba color = face ? kFace : kPerson;
    if (face && L.liveness && live != nullptr) {
      if (live->label == "live") color = kLive;
      if (live->label == "spoof") color = kSpoof;
    }
    if (L.boxes) s.strokes.push_back({r, color, stroke});

    const int above = std::max(0, r.y - static_cast<int>(line_h));
    if (L.ids && o.track_id != 0) {
      s.labels.push_back({{r.x, above}, "#" + std::to_string(o.track_id), kBlack, color, font});
    }
    if (face && L.liveness && live != nullptr &&
        (live->label == "live" || live->label == "spoof")) {
      Label badge{{r.x + r.width, above},
                  live->label,
                  kWhite,
                  live->label == "live" ? kLive : kSpoof,
                  font};
      badge.anchor.x = std::max(0, r.x + r.width - static_cast<int>(font * 0.6 * 5));
      s.labels.push_back(badge);
    }
    if (face && demographics) {
      // Only confident labels are drawn; a face whose attributes are all still "unknown"
      // gets a "?".
      std::string text;
      bool pending = false;
      for (const char* name : {"age_band", "gender", "emotion"}) {
        const Attribute* a = frame.attribute(o.id, name);
        if (a == nullptr || a->label.empty()) continue;
        if (a->label == "unknown") {
          pending = true;
          continue;
        }
        text += (text.empty() ? "" : " ") + a->label;
      }
      if (text.empty() && pending) text = "?";
      if (!text.empty()) {
        const int below = std::min(height - static_cast<int>(line_h), r.y + r.height + 2);
        s.labels.push_back({{r.x, std::max(0, below)}, text, kWhite, kShade, font});
      }
    }
  }

  if (L.regions) {
    for (const Region& reg : frame.regions) {
      if (reg.points.empty()) continue;
      Polyline p;
      for (const Point& pt : reg.points) p.points.push_back(to_pixels(pt, width, height));
      p.closed = reg.kind != "line";
      p.color = kRegion;
      p.width = stroke;
      s.regions.push_back(p);
      std::string caption = reg.id;
      if (reg.kind == "line") {
        caption += " in " + std::to_string(reg.count_in) + " out " + std::to_string(reg.count_out);
      } else {
        caption += " " + std::to_string(reg.occupancy);
      }
      const cv::Point at = p.points.front();
      s.labels.push_back({{std::clamp(at.x, 0, std::max(0, width - 1)),
                           std::clamp(at.y, 0, std::max(0, height - static_cast<int>(line_h)))},
                          caption,
                          kBlack,
                          kRegion,
                          font});
    }
  }

  if (L.hud) {
    s.hud.visible = true;
    const int margin = static_cast<int>(std::round(font * 0.6));
    s.hud.origin = {margin, margin};
    s.hud.font_px = font;
    s.hud.text_color = kWhite;
    s.hud.background = kShade;
    s.hud.lines.push_back(fmt("fps %.1f", hud.fps));
    s.hud.lines.push_back("people now " + std::to_string(hud.people_now) + "   faces now " +
                          std::to_string(hud.faces_now));
    s.hud.lines.push_back("live viewers " + std::to_string(hud.live_viewers));
    // Footfall is what the counting lines and zones measured; track ids are not people.
    int64_t in = 0, out = 0, inside = 0;
    bool lines = false, zones = false;
    for (const Region& reg : frame.regions) {
      if (reg.kind == "line") {
        lines = true;
        in += reg.count_in;
        out += reg.count_out;
      } else {
        zones = true;
        inside += reg.occupancy;
      }
    }
    if (lines)
      s.hud.lines.push_back("footfall in " + std::to_string(in) + "   out " + std::to_string(out));
    if (zones) s.hud.lines.push_back("people in zones " + std::to_string(inside));
    s.hud.lines.push_back("track ids seen " + std::to_string(hud.tracks_seen));
    if (!hud.creative.empty()) s.hud.lines.push_back("playing " + hud.creative);
  }

  if (L.panel && panel.current >= 0) {
    cv::Size c(16, 9);
    if (static_cast<size_t>(panel.current) < creative_sizes.size() &&
        !creative_sizes[static_cast<size_t>(panel.current)].empty())
      c = creative_sizes[static_cast<size_t>(panel.current)];
    const int margin = static_cast<int>(std::round(std::min(width, height) * 0.02));
    double w = std::clamp(config.panel_width, 0.05, 1.0) * width;
    double h = w * c.height / c.width;
    const double max_h = height - 2.0 * margin;
    if (h > max_h) {
      w *= max_h / h;
      h = max_h;
    }
    const int pw = std::max(1, static_cast<int>(std::lround(w)));
    const int ph = std::max(1, static_cast<int>(std::lround(h)));
    const bool left =
        config.panel_corner == Corner::kTopLeft || config.panel_corner == Corner::kBottomLeft;
    const bool top =
        config.panel_corner == Corner::kTopLeft || config.panel_corner == Corner::kTopRight;
    const int x = left ? margin : width - margin - pw;
    const int y = top ? margin : height - margin - ph;
    s.panel.visible = true;
    s.panel.rect = cv::Rect(std::max(0, x), std::max(0, y), pw, ph) & cv::Rect(0, 0, width, height);
    s.panel.creative = panel.current;
    s.panel.previous = panel.previous;
    s.panel.fade = panel.fade;
    s.panel.opacity = std::clamp(config.panel_opacity, 0.0, 1.0);
    if (s.panel.rect.empty() || s.panel.opacity <= 0.0) s.panel.visible = false;
  }
  return s;
}

void HudCounter::update(const FrameAnalytics& frame, int64_t pts_ms) {
  if (!times_.empty() && pts_ms < times_.back()) times_.clear();
  times_.push_back(pts_ms);
  times_.erase(times_.begin(), std::find_if(times_.begin(), times_.end(),
                                            [pts_ms](int64_t t) { return t > pts_ms - 1000; }));
  for (const Object& o : frame.objects) {
    if (o.track_id == 0) continue;
    auto& seen = o.cls == ObjectClass::kPerson ? person_seen_ : face_seen_;
    auto [it, added] = seen.emplace(o.track_id, pts_ms);
    it->second = pts_ms;
    if (added) ++(o.cls == ObjectClass::kPerson ? people_ : faces_);
  }
  if (pts_ms - last_prune_ms_ >= 1000) {
    last_prune_ms_ = pts_ms;
    for (auto* seen : {&person_seen_, &face_seen_}) {
      for (auto it = seen->begin(); it != seen->end();)
        it = pts_ms - it->second > forget_ms_ ? seen->erase(it) : std::next(it);
    }
  }
}

double HudCounter::fps() const {
  if (times_.size() < 2) return 0.0;
  const double span_ms = static_cast<double>(times_.back() - times_.front());
  return span_ms > 0 ? static_cast<double>(times_.size() - 1) * 1000.0 / span_ms : 0.0;
}

}  // namespace retail::overlay

// Draws an overlay::Scene with cairo into a GstVideoOverlayComposition: one small ARGB rectangle
// per primitive (box, label, region, HUD, panel), so blending touches only the drawn areas and
// GStreamer can cache the conversion of rectangles that do not change (panel, HUD).
#pragma once

#include <cairo.h>
#include <gst/video/video.h>

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "overlay/scene.h"

namespace retail::adoverlay {

class Renderer {
 public:
  // `creatives`: premultiplied BGRA images (overlay::load_creatives), indexed like the panel.
  explicit Renderer(std::vector<cv::Mat> creatives);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // A new composition (caller unrefs), or nullptr when the scene draws nothing.
  GstVideoOverlayComposition* render(const overlay::Scene& scene, int width, int height);

 private:
  GstVideoOverlayRectangle* panel(const overlay::Panel& p);
  GstVideoOverlayRectangle* hud(const overlay::Hud& h, int width, int height);

  std::vector<cv::Mat> creatives_;
  std::vector<cairo_surface_t*> surfaces_;
  cairo_surface_t* scratch_surface_ = nullptr;  // for text measurement
  cairo_t* scratch_ = nullptr;
  // Reused while unchanged.
  GstVideoOverlayRectangle* panel_cache_ = nullptr;
  overlay::Panel panel_key_;
  GstVideoOverlayRectangle* hud_cache_ = nullptr;
  std::vector<std::string> hud_key_;
  cv::Point hud_origin_;
  double hud_font_ = 0;
};

}  // namespace retail::adoverlay

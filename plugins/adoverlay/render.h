// Draws an overlay::Scene with cairo into a GstVideoOverlayComposition of premultiplied ARGB
// rectangles: the panel and the HUD each in their own (reused while unchanged, so GStreamer's
// cached conversions are reused too), boxes/labels/regions in one merged rectangle or one each.
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

  // A new composition (caller unrefs), or nullptr when the scene draws nothing. `merge`: boxes,
  // labels and regions share one rectangle (best when the composition is blended in software);
  // otherwise one rectangle each (best when downstream composes them, e.g. on a GPU).
  GstVideoOverlayComposition* render(const overlay::Scene& scene, int width, int height,
                                     bool merge);

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

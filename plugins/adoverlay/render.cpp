#include "adoverlay/render.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <opencv2/imgproc.hpp>

namespace retail::adoverlay {

namespace {

using Draw = std::function<void(cairo_t*)>;

// A premultiplied ARGB rectangle of w x h placed at (x, y), drawn by `draw` in local coords.
GstVideoOverlayRectangle* make_rectangle(int x, int y, int w, int h, const Draw& draw) {
  if (w <= 0 || h <= 0) return nullptr;
  const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
  const gsize size = static_cast<gsize>(stride) * static_cast<gsize>(h);
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, size, nullptr);
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_WRITE)) {
    gst_buffer_unref(buf);
    return nullptr;
  }
  std::memset(map.data, 0, size);
  cairo_surface_t* s =
      cairo_image_surface_create_for_data(map.data, CAIRO_FORMAT_ARGB32, w, h, stride);
  cairo_t* cr = cairo_create(s);
  draw(cr);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  cairo_surface_destroy(s);
  gst_buffer_unmap(buf, &map);
  gsize offsets[GST_VIDEO_MAX_PLANES] = {0};
  gint strides[GST_VIDEO_MAX_PLANES] = {stride};
  gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE,
                                 GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, static_cast<guint>(w),
                                 static_cast<guint>(h), 1, offsets, strides);
  GstVideoOverlayRectangle* r =
      gst_video_overlay_rectangle_new_raw(buf, x, y, static_cast<guint>(w), static_cast<guint>(h),
                                          GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  gst_buffer_unref(buf);
  return r;
}

void set_color(cairo_t* cr, const overlay::Rgba& c) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

void set_font(cairo_t* cr, double px) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, px);
}

double text_width(cairo_t* scratch, const std::string& text, double px) {
  set_font(scratch, px);
  cairo_text_extents_t e;
  cairo_text_extents(scratch, text.c_str(), &e);
  return e.x_advance;
}

// Clips a w x h rectangle at (x, y) into the frame by moving it (labels stay readable).
cv::Rect fit(int x, int y, int w, int h, int width, int height) {
  w = std::min(w, width);
  h = std::min(h, height);
  return {std::clamp(x, 0, width - w), std::clamp(y, 0, height - h), w, h};
}

}  // namespace

Renderer::Renderer(std::vector<cv::Mat> creatives) : creatives_(std::move(creatives)) {
  for (cv::Mat& m : creatives_) {
    surfaces_.push_back(cairo_image_surface_create_for_data(m.data, CAIRO_FORMAT_ARGB32, m.cols,
                                                            m.rows, static_cast<int>(m.step)));
  }
  scratch_surface_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  scratch_ = cairo_create(scratch_surface_);
}

Renderer::~Renderer() {
  if (panel_cache_ != nullptr) gst_video_overlay_rectangle_unref(panel_cache_);
  if (hud_cache_ != nullptr) gst_video_overlay_rectangle_unref(hud_cache_);
  for (cairo_surface_t* s : surfaces_) cairo_surface_destroy(s);
  cairo_destroy(scratch_);
  cairo_surface_destroy(scratch_surface_);
}

GstVideoOverlayRectangle* Renderer::panel(const overlay::Panel& p) {
  const bool same = panel_cache_ != nullptr && panel_key_.rect == p.rect &&
                    panel_key_.creative == p.creative && panel_key_.previous == p.previous &&
                    panel_key_.fade == p.fade && panel_key_.opacity == p.opacity;
  if (same) return gst_video_overlay_rectangle_ref(panel_cache_);
  if (panel_cache_ != nullptr) gst_video_overlay_rectangle_unref(panel_cache_);
  panel_cache_ = nullptr;
  auto paint = [this, &p](cairo_t* cr, int index, double alpha) {
    if (index < 0 || static_cast<size_t>(index) >= surfaces_.size()) return;
    const cv::Mat& m = creatives_[static_cast<size_t>(index)];
    cairo_save(cr);
    cairo_scale(cr, static_cast<double>(p.rect.width) / m.cols,
                static_cast<double>(p.rect.height) / m.rows);
    cairo_set_source_surface(cr, surfaces_[static_cast<size_t>(index)], 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint_with_alpha(cr, alpha);
    cairo_restore(cr);
  };
  panel_cache_ = make_rectangle(p.rect.x, p.rect.y, p.rect.width, p.rect.height, [&](cairo_t* cr) {
    cairo_push_group(cr);
    if (p.previous >= 0) paint(cr, p.previous, 1.0);
    paint(cr, p.creative, p.previous >= 0 ? p.fade : 1.0);
    cairo_pop_group_to_source(cr);
    cairo_paint_with_alpha(cr, p.opacity);
  });
  panel_key_ = p;
  return panel_cache_ != nullptr ? gst_video_overlay_rectangle_ref(panel_cache_) : nullptr;
}

GstVideoOverlayRectangle* Renderer::hud(const overlay::Hud& h, int width, int height) {
  if (hud_cache_ != nullptr && hud_key_ == h.lines && hud_origin_ == h.origin &&
      hud_font_ == h.font_px)
    return gst_video_overlay_rectangle_ref(hud_cache_);
  if (hud_cache_ != nullptr) gst_video_overlay_rectangle_unref(hud_cache_);
  hud_cache_ = nullptr;
  const double pad = std::round(h.font_px * 0.5);
  const double line_h = std::round(h.font_px * 1.35);
  double w = 0;
  for (const auto& l : h.lines) w = std::max(w, text_width(scratch_, l, h.font_px));
  const cv::Rect box =
      fit(h.origin.x, h.origin.y, static_cast<int>(std::ceil(w + 2 * pad)),
          static_cast<int>(std::ceil(line_h * h.lines.size() + 2 * pad)), width, height);
  hud_cache_ = make_rectangle(box.x, box.y, box.width, box.height, [&](cairo_t* cr) {
    set_color(cr, h.background);
    const double r = pad;
    cairo_new_sub_path(cr);
    cairo_arc(cr, box.width - r, r, r, -M_PI / 2, 0);
    cairo_arc(cr, box.width - r, box.height - r, r, 0, M_PI / 2);
    cairo_arc(cr, r, box.height - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, r, r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
    cairo_fill(cr);
    set_font(cr, h.font_px);
    set_color(cr, h.text_color);
    for (size_t i = 0; i < h.lines.size(); ++i) {
      cairo_move_to(cr, pad, pad + line_h * (static_cast<double>(i) + 0.78));
      cairo_show_text(cr, h.lines[i].c_str());
    }
  });
  hud_key_ = h.lines;
  hud_origin_ = h.origin;
  hud_font_ = h.font_px;
  return hud_cache_ != nullptr ? gst_video_overlay_rectangle_ref(hud_cache_) : nullptr;
}

GstVideoOverlayComposition* Renderer::render(const overlay::Scene& scene, int width, int height,
                                             bool merge) {
  if (scene.draws_nothing() || width <= 0 || height <= 0) return nullptr;
  const cv::Rect frame(0, 0, width, height);
  // Boxes, labels and regions: each an area and a drawing in that area's coordinates.
  struct Item {
    cv::Rect area;
    Draw draw;
  };
  std::vector<Item> items;

  for (const auto& poly : scene.regions) {
    if (poly.points.size() < 2) continue;
    const cv::Rect bb = cv::boundingRect(poly.points);
    const int m = static_cast<int>(std::ceil(poly.width));
    const cv::Rect area =
        cv::Rect(bb.x - m, bb.y - m, bb.width + 2 * m + 1, bb.height + 2 * m + 1) & frame;
    items.push_back({area, [&poly, area](cairo_t* cr) {
                       cairo_translate(cr, -area.x, -area.y);
                       cairo_move_to(cr, poly.points[0].x, poly.points[0].y);
                       for (size_t i = 1; i < poly.points.size(); ++i)
                         cairo_line_to(cr, poly.points[i].x, poly.points[i].y);
                       if (poly.closed) cairo_close_path(cr);
                       set_color(cr, poly.color);
                       cairo_set_line_width(cr, poly.width);
                       cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
                       cairo_stroke(cr);
                     }});
  }

  for (const auto& s : scene.strokes) {
    // The outline is drawn inside the box, so it never covers what is outside it.
    const cv::Rect area = s.rect & frame;
    const int lw = std::clamp(static_cast<int>(std::lround(s.width)), 1,
                              std::max(1, std::min(area.width, area.height) / 2));
    items.push_back({area, [&s, area, lw](cairo_t* cr) {
                       set_color(cr, s.color);
                       cairo_set_line_width(cr, lw);
                       cairo_rectangle(cr, lw / 2.0, lw / 2.0, area.width - lw, area.height - lw);
                       cairo_stroke(cr);
                     }});
  }

  for (const auto& l : scene.labels) {
    const double pad = std::round(l.font_px * 0.3);
    const int w = static_cast<int>(std::ceil(text_width(scratch_, l.text, l.font_px) + 2 * pad));
    const int h = static_cast<int>(std::round(l.font_px * 1.4));
    const cv::Rect box = fit(l.anchor.x, l.anchor.y, w, h, width, height);
    items.push_back({box, [&l, pad, h](cairo_t* cr) {
                       set_color(cr, l.background);
                       cairo_paint(cr);
                       set_font(cr, l.font_px);
                       set_color(cr, l.text_color);
                       cairo_move_to(cr, pad, h * 0.75);
                       cairo_show_text(cr, l.text.c_str());
                     }});
  }

  std::vector<GstVideoOverlayRectangle*> rects;
  if (scene.panel.visible) rects.push_back(panel(scene.panel));
  if (merge) {
    // One rectangle for all of them: GStreamer's software blend converts whole frame rows for
    // every row of every rectangle, so its cost follows the summed rectangle heights.
    cv::Rect u;
    for (const auto& it : items)
      if (!it.area.empty()) u = u.empty() ? it.area : (u | it.area);
    if (!u.empty()) {
      rects.push_back(make_rectangle(u.x, u.y, u.width, u.height, [&](cairo_t* cr) {
        for (const auto& it : items) {
          if (it.area.empty()) continue;
          cairo_save(cr);
          cairo_translate(cr, it.area.x - u.x, it.area.y - u.y);
          cairo_rectangle(cr, 0, 0, it.area.width, it.area.height);
          cairo_clip(cr);
          it.draw(cr);
          cairo_restore(cr);
        }
      }));
    }
  } else {
    for (const auto& it : items)
      rects.push_back(make_rectangle(it.area.x, it.area.y, it.area.width, it.area.height, it.draw));
  }
  if (scene.hud.visible && !scene.hud.lines.empty()) rects.push_back(hud(scene.hud, width, height));

  GstVideoOverlayComposition* comp = nullptr;
  for (GstVideoOverlayRectangle* r : rects) {
    if (r == nullptr) continue;
    if (comp == nullptr)
      comp = gst_video_overlay_composition_new(r);
    else
      gst_video_overlay_composition_add_rectangle(comp, r);
    gst_video_overlay_rectangle_unref(r);
  }
  return comp;
}

}  // namespace retail::adoverlay

// Normalized boxes, IoU and non-maximum suppression.
#pragma once

#include <vector>

namespace retail {

struct Point {
  float x = 0.F;
  float y = 0.F;
};

// A box in normalized frame coordinates: x, y, w, h in [0, 1] relative to frame width/height.
struct Box {
  float x = 0.F;
  float y = 0.F;
  float w = 0.F;
  float h = 0.F;

  float area() const { return w > 0.F && h > 0.F ? w * h : 0.F; }
  float right() const { return x + w; }
  float bottom() const { return y + h; }
  Point center() const { return {x + w / 2.F, y + h / 2.F}; }
  bool contains(Point p) const { return p.x >= x && p.x <= right() && p.y >= y && p.y <= bottom(); }
};

// Intersection over union of two boxes in the same coordinate system (0 when disjoint).
float iou(const Box& a, const Box& b);
// Area of a ∩ b divided by the area of a (how much of `a` lies inside `b`).
float containment(const Box& a, const Box& b);
// Box clipped to [0,1]x[0,1].
Box clamp01(const Box& b);

// Greedy NMS: indices of the kept boxes, best score first. Boxes whose IoU with a kept box exceeds
// `iou_threshold` are suppressed.
std::vector<int> nms(const std::vector<Box>& boxes, const std::vector<float>& scores,
                     float iou_threshold);

}  // namespace retail

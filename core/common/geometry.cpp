#include "common/geometry.h"

#include <algorithm>
#include <numeric>

namespace retail {

namespace {
float intersection(const Box& a, const Box& b) {
  const float w = std::min(a.right(), b.right()) - std::max(a.x, b.x);
  const float h = std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
  return w > 0.F && h > 0.F ? w * h : 0.F;
}
}  // namespace

float iou(const Box& a, const Box& b) {
  const float inter = intersection(a, b);
  const float uni = a.area() + b.area() - inter;
  return uni > 0.F ? inter / uni : 0.F;
}

float containment(const Box& a, const Box& b) {
  const float area = a.area();
  return area > 0.F ? intersection(a, b) / area : 0.F;
}

Box clamp01(const Box& b) {
  const float x0 = std::clamp(b.x, 0.F, 1.F);
  const float y0 = std::clamp(b.y, 0.F, 1.F);
  const float x1 = std::clamp(b.right(), 0.F, 1.F);
  const float y1 = std::clamp(b.bottom(), 0.F, 1.F);
  return {x0, y0, std::max(0.F, x1 - x0), std::max(0.F, y1 - y0)};
}

std::vector<int> nms(const std::vector<Box>& boxes, const std::vector<float>& scores,
                     float iou_threshold) {
  std::vector<int> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  std::vector<int> keep;
  std::vector<bool> suppressed(boxes.size(), false);
  for (size_t i = 0; i < order.size(); ++i) {
    const int a = order[i];
    if (suppressed[a]) continue;
    keep.push_back(a);
    for (size_t j = i + 1; j < order.size(); ++j) {
      const int b = order[j];
      if (!suppressed[b] && iou(boxes[a], boxes[b]) > iou_threshold) suppressed[b] = true;
    }
  }
  return keep;
}

}  // namespace retail

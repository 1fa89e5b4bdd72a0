#include "zones/polygon.h"

#include <algorithm>
#include <cmath>

namespace retail::zones {

float cross(Point a, Point b, Point p) {
  return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
}

float distance_to_segment(Point p, Point a, Point b) {
  const float dx = b.x - a.x;
  const float dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  float t = len2 > 0.F ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.F;
  t = std::clamp(t, 0.F, 1.F);
  const float ex = a.x + t * dx - p.x;
  const float ey = a.y + t * dy - p.y;
  return std::sqrt(ex * ex + ey * ey);
}

namespace {

int sign(float v) { return (v > 0.F) - (v < 0.F); }

bool on_segment(Point a, Point b, Point p) {
  return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
         p.y <= std::max(a.y, b.y);
}

}  // namespace

bool segments_intersect(Point a, Point b, Point c, Point d) {
  const int d1 = sign(cross(c, d, a));
  const int d2 = sign(cross(c, d, b));
  const int d3 = sign(cross(a, b, c));
  const int d4 = sign(cross(a, b, d));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  if (d1 == 0 && on_segment(c, d, a)) return true;
  if (d2 == 0 && on_segment(c, d, b)) return true;
  if (d3 == 0 && on_segment(a, b, c)) return true;
  if (d4 == 0 && on_segment(a, b, d)) return true;
  return false;
}

bool contains(const Polygon& poly, Point p) {
  bool inside = false;
  const size_t n = poly.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const Point& a = poly[i];
    const Point& b = poly[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

float distance_to_boundary(const Polygon& poly, Point p) {
  float best = INFINITY;
  const size_t n = poly.size();
  for (size_t i = 0; i < n; ++i) {
    best = std::min(best, distance_to_segment(p, poly[i], poly[(i + 1) % n]));
  }
  return best;
}

float signed_area(const Polygon& poly) {
  float a = 0.F;
  const size_t n = poly.size();
  for (size_t i = 0; i < n; ++i) {
    const Point& p = poly[i];
    const Point& q = poly[(i + 1) % n];
    a += p.x * q.y - q.x * p.y;
  }
  return a / 2.F;
}

std::optional<std::pair<int, int>> self_intersection(const Polygon& poly) {
  const int n = static_cast<int>(poly.size());
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const bool adjacent = j == i + 1 || (i == 0 && j == n - 1);
      const Point a = poly[i];
      const Point b = poly[(i + 1) % n];
      const Point c = poly[j];
      const Point d = poly[(j + 1) % n];
      if (adjacent) {
        // Adjacent edges share one point; they are only bad when they fold back onto each other.
        const Point shared = j == i + 1 ? b : a;
        const Point u = j == i + 1 ? a : b;
        const Point v = j == i + 1 ? d : c;
        if (cross(u, shared, v) == 0.F &&
            ((u.x - shared.x) * (v.x - shared.x) + (u.y - shared.y) * (v.y - shared.y)) > 0.F) {
          return std::make_pair(i, j);
        }
        continue;
      }
      if (segments_intersect(a, b, c, d)) return std::make_pair(i, j);
    }
  }
  return std::nullopt;
}

Nearest nearest_segment(const Polyline& line, Point p) {
  Nearest best{-1, INFINITY};
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    const float d = distance_to_segment(p, line[i], line[i + 1]);
    if (d < best.distance) best = {static_cast<int>(i), d};
  }
  return best;
}

int crossed_segment(const Polyline& line, Point q, Point p) {
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (segments_intersect(q, p, line[i], line[i + 1])) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace retail::zones

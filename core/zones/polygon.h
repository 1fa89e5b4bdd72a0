// Plane geometry for lines and zones, in normalized frame coordinates (x right, y down).
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "common/geometry.h"

namespace retail::zones {

using Polyline = std::vector<Point>;
using Polygon = std::vector<Point>;  // implicitly closed: the last point joins the first

// Twice the signed area of triangle (a, b, p): > 0 when p is on one side of a->b, < 0 on the other.
float cross(Point a, Point b, Point p);
// Distance from p to the segment [a, b].
float distance_to_segment(Point p, Point a, Point b);

// True when segments [a, b] and [c, d] share at least one point (touching counts).
bool segments_intersect(Point a, Point b, Point c, Point d);

// Ray-casting point-in-polygon test (points on an edge may go either way).
bool contains(const Polygon& poly, Point p);
// Distance from p to the polygon's boundary.
float distance_to_boundary(const Polygon& poly, Point p);
// Signed area (shoelace); its absolute value is the area.
float signed_area(const Polygon& poly);
// The first pair of non-adjacent edges (edge i joins point i and i+1) that touch or cross, if any.
std::optional<std::pair<int, int>> self_intersection(const Polygon& poly);

// Nearest segment of a polyline to p: its index and the distance.
struct Nearest {
  int segment = -1;
  float distance = 0.F;
};
Nearest nearest_segment(const Polyline& line, Point p);
// Index of the first segment of `line` that the motion q->p crosses or touches, or -1.
int crossed_segment(const Polyline& line, Point q, Point p);

}  // namespace retail::zones

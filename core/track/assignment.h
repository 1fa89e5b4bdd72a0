// Linear assignment (rectangular Hungarian / Kuhn-Munkres with potentials, the shortest
// augmenting path form of Jonker-Volgenant), written once and used by the tracker and the
// MOT metrics.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace retail::track {

// A rows x cols cost matrix, row-major.
struct CostMatrix {
  int rows = 0;
  int cols = 0;
  std::vector<double> cost;  // rows * cols
  CostMatrix() = default;
  CostMatrix(int r, int c, double fill = 0.0)
      : rows(r), cols(c), cost(static_cast<std::size_t>(r) * static_cast<std::size_t>(c), fill) {}
  double& at(int r, int c) { return cost[static_cast<std::size_t>(r) * cols + c]; }
  double at(int r, int c) const { return cost[static_cast<std::size_t>(r) * cols + c]; }
};

// Minimum-cost assignment that matches every row (rows <= cols) or every column (rows > cols).
// Returns, for each row, its column or -1. Costs must be finite.
std::vector<int> solve_assignment(const CostMatrix& m);

struct AssignmentResult {
  std::vector<std::pair<int, int>> matches;  // (row, col)
  std::vector<int> unmatched_rows;
  std::vector<int> unmatched_cols;
};

// ByteTrack's `linear_assignment(cost, thresh)` (lap.lapjv with extend_cost and cost_limit):
// the partial matching that minimises sum(cost - thresh) over matched pairs, so only pairs with
// cost < thresh are ever matched and leaving a row and a column unmatched costs `thresh`.
AssignmentResult linear_assignment(const CostMatrix& m, double thresh);

}  // namespace retail::track

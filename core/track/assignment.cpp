#include "track/assignment.h"

#include <algorithm>
#include <limits>

namespace retail::track {

namespace {

// Hungarian algorithm with potentials for n <= m (rows <= cols), O(n^2 m).
// a(i, j) is the cost of row i (0-based) to column j. Returns col of each row.
template <typename Cost>
std::vector<int> hungarian(int n, int m, Cost a) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0), minv(m + 1);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);  // p[j]: row (1-based) assigned to column j
  std::vector<char> used(m + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::fill(minv.begin(), minv.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      const int i0 = p[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = a(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> row_to_col(n, -1);
  for (int j = 1; j <= m; ++j) {
    if (p[j] != 0) row_to_col[p[j] - 1] = j - 1;
  }
  return row_to_col;
}

}  // namespace

std::vector<int> solve_assignment(const CostMatrix& m) {
  if (m.rows == 0 || m.cols == 0) return std::vector<int>(m.rows, -1);
  if (m.rows <= m.cols) {
    return hungarian(m.rows, m.cols, [&m](int r, int c) { return m.at(r, c); });
  }
  // Transpose: columns become rows.
  const std::vector<int> col_to_row =
      hungarian(m.cols, m.rows, [&m](int r, int c) { return m.at(c, r); });
  std::vector<int> row_to_col(m.rows, -1);
  for (int c = 0; c < m.cols; ++c) {
    if (col_to_row[c] >= 0) row_to_col[col_to_row[c]] = c;
  }
  return row_to_col;
}

AssignmentResult linear_assignment(const CostMatrix& m, double thresh) {
  AssignmentResult res;
  std::vector<char> col_used(m.cols, 0);
  if (m.rows > 0 && m.cols > 0) {
    // Matching a pair is worth (cost - thresh) when negative and nothing otherwise: an optimal
    // full assignment on the clipped matrix, minus its zero-gain pairs, is the optimal partial one.
    CostMatrix clipped(m.rows, m.cols);
    for (size_t k = 0; k < m.cost.size(); ++k) clipped.cost[k] = std::min(m.cost[k] - thresh, 0.0);
    const std::vector<int> rc = solve_assignment(clipped);
    for (int r = 0; r < m.rows; ++r) {
      const int c = rc[r];
      if (c >= 0 && m.at(r, c) < thresh) {
        res.matches.emplace_back(r, c);
        col_used[c] = 1;
      } else {
        res.unmatched_rows.push_back(r);
      }
    }
  } else {
    for (int r = 0; r < m.rows; ++r) res.unmatched_rows.push_back(r);
  }
  for (int c = 0; c < m.cols; ++c) {
    if (!col_used[c]) res.unmatched_cols.push_back(c);
  }
  return res;
}

}  // namespace retail::track

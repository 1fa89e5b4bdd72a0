// The assignment solver against brute force on random small matrices.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <random>

#include "track/assignment.h"

using retail::track::CostMatrix;

namespace {

// Minimum total cost over assignments covering min(rows, cols) pairs.
double brute_force_full(const CostMatrix& m) {
  const bool t = m.rows > m.cols;
  const int n = t ? m.cols : m.rows;
  const int k = t ? m.rows : m.cols;
  std::vector<char> used(k, 0);
  double best = std::numeric_limits<double>::infinity();
  std::function<void(int, double)> rec = [&](int i, double acc) {
    if (i == n) {
      best = std::min(best, acc);
      return;
    }
    for (int j = 0; j < k; ++j) {
      if (used[j]) continue;
      used[j] = 1;
      rec(i + 1, acc + (t ? m.at(j, i) : m.at(i, j)));
      used[j] = 0;
    }
  };
  rec(0, 0.0);
  return best;
}

// Minimum of sum(cost - thresh) over partial matchings (any subset of disjoint pairs).
double brute_force_partial(const CostMatrix& m, double thresh) {
  std::vector<char> used(m.cols, 0);
  double best = 0.0;
  std::function<void(int, double)> rec = [&](int i, double acc) {
    if (i == m.rows) {
      best = std::min(best, acc);
      return;
    }
    rec(i + 1, acc);  // row i unmatched
    for (int j = 0; j < m.cols; ++j) {
      if (used[j]) continue;
      used[j] = 1;
      rec(i + 1, acc + m.at(i, j) - thresh);
      used[j] = 0;
    }
  };
  rec(0, 0.0);
  return best;
}

CostMatrix random_matrix(std::mt19937& rng) {
  std::uniform_int_distribution<int> size(1, 6);
  std::uniform_int_distribution<int> kind(0, 2);
  std::uniform_real_distribution<double> real(0.0, 1.0);
  std::uniform_int_distribution<int> small(0, 4);  // many ties
  CostMatrix m(size(rng), size(rng));
  const int k = kind(rng);
  for (double& c : m.cost) c = k == 0 ? real(rng) : k == 1 ? small(rng) : real(rng) * 100 - 50;
  return m;
}

}  // namespace

TEST(TrackAssignment, MatchesBruteForceOn1000RandomMatrices) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 1000; ++trial) {
    const CostMatrix m = random_matrix(rng);
    const std::vector<int> rc = retail::track::solve_assignment(m);
    ASSERT_EQ(static_cast<int>(rc.size()), m.rows);
    std::vector<char> col_used(m.cols, 0);
    double total = 0;
    int assigned = 0;
    for (int r = 0; r < m.rows; ++r) {
      if (rc[r] < 0) continue;
      ASSERT_LT(rc[r], m.cols);
      ASSERT_FALSE(col_used[rc[r]]) << "column used twice, trial " << trial;
      col_used[rc[r]] = 1;
      total += m.at(r, rc[r]);
      ++assigned;
    }
    ASSERT_EQ(assigned, std::min(m.rows, m.cols)) << "trial " << trial;
    ASSERT_NEAR(total, brute_force_full(m), 1e-9)
        << "trial " << trial << " " << m.rows << "x" << m.cols;
  }
}

TEST(TrackAssignment, ThresholdedMatchesBruteForceOn1000RandomMatrices) {
  std::mt19937 rng(777);
  std::uniform_real_distribution<double> th(0.1, 0.9);
  for (int trial = 0; trial < 1000; ++trial) {
    CostMatrix m = random_matrix(rng);
    for (double& c : m.cost) c = std::abs(c) / 50.0;  // costs like 1 - IoU, some above 1
    const double thresh = th(rng);
    const auto res = retail::track::linear_assignment(m, thresh);
    double total = 0;
    std::vector<char> row_seen(m.rows, 0), col_seen(m.cols, 0);
    for (auto [r, c] : res.matches) {
      ASSERT_LT(m.at(r, c), thresh);
      ASSERT_FALSE(row_seen[r]);
      ASSERT_FALSE(col_seen[c]);
      row_seen[r] = col_seen[c] = 1;
      total += m.at(r, c) - thresh;
    }
    for (int r : res.unmatched_rows) {
      ASSERT_FALSE(row_seen[r]);
      row_seen[r] = 1;
    }
    for (int c : res.unmatched_cols) {
      ASSERT_FALSE(col_seen[c]);
      col_seen[c] = 1;
    }
    ASSERT_EQ(std::count(row_seen.begin(), row_seen.end(), 1), m.rows);
    ASSERT_EQ(std::count(col_seen.begin(), col_seen.end(), 1), m.cols);
    ASSERT_NEAR(total, brute_force_partial(m, thresh), 1e-9) << "trial " << trial;
  }
}

TEST(TrackAssignment, EmptyMatrices) {
  const auto a = retail::track::linear_assignment(CostMatrix(0, 3), 0.5);
  EXPECT_TRUE(a.matches.empty());
  EXPECT_EQ(a.unmatched_cols.size(), 3U);
  const auto b = retail::track::linear_assignment(CostMatrix(2, 0), 0.5);
  EXPECT_EQ(b.unmatched_rows.size(), 2U);
}

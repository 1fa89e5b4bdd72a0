#include "track/kalman.h"

namespace retail::track {

namespace {

KalmanCov motion_matrix() {
  KalmanCov f = KalmanCov::eye();
  for (int i = 0; i < 4; ++i) f(i, 4 + i) = 1.0;  // dt = 1 frame
  return f;
}

}  // namespace

void KalmanFilterXYAH::initiate(const Measurement& z, KalmanMean& mean, KalmanCov& cov) const {
  mean = KalmanMean::zeros();
  for (int i = 0; i < 4; ++i) mean(i) = z(i);
  const double h = z(3);
  const double std[8] = {
      2 * kStdWeightPosition * h,  2 * kStdWeightPosition * h,  1e-2, 2 * kStdWeightPosition * h,
      10 * kStdWeightVelocity * h, 10 * kStdWeightVelocity * h, 1e-5, 10 * kStdWeightVelocity * h};
  cov = KalmanCov::zeros();
  for (int i = 0; i < 8; ++i) cov(i, i) = std[i] * std[i];
}

void KalmanFilterXYAH::predict(KalmanMean& mean, KalmanCov& cov) const {
  static const KalmanCov f = motion_matrix();
  const double h = mean(3);
  const double std[8] = {
      kStdWeightPosition * h, kStdWeightPosition * h, 1e-2, kStdWeightPosition * h,
      kStdWeightVelocity * h, kStdWeightVelocity * h, 1e-5, kStdWeightVelocity * h};
  KalmanCov q = KalmanCov::zeros();
  for (int i = 0; i < 8; ++i) q(i, i) = std[i] * std[i];
  mean = f * mean;
  cov = f * cov * f.t() + q;
}

void KalmanFilterXYAH::update(KalmanMean& mean, KalmanCov& cov, const Measurement& z) const {
  // Projection to measurement space: H = [I4 0].
  const double h = mean(3);
  const double std[4] = {kStdWeightPosition * h, kStdWeightPosition * h, 1e-1,
                         kStdWeightPosition * h};
  cv::Matx<double, 4, 4> s;
  cv::Matx<double, 8, 4> pht;  // P H^T
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) s(r, c) = cov(r, c);
    s(r, r) += std[r] * std[r];
  }
  for (int r = 0; r < 8; ++r) {
    for (int c = 0; c < 4; ++c) pht(r, c) = cov(r, c);
  }
  // K = P H^T S^-1 (S is symmetric positive definite: solve S K^T = (P H^T)^T by Cholesky).
  cv::Matx<double, 4, 8> kt;
  cv::solve(s, pht.t(), kt, cv::DECOMP_CHOLESKY);
  const cv::Matx<double, 8, 4> k = kt.t();
  Measurement innovation;
  for (int i = 0; i < 4; ++i) innovation(i) = z(i) - mean(i);
  mean = mean + k * innovation;
  cov = cov - k * s * k.t();
}

}  // namespace retail::track

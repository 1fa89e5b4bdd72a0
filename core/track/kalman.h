// ByteTrack's (and DeepSORT's) constant-velocity Kalman filter on (cx, cy, a, h, vcx, vcy, va, vh):
// box centre, aspect ratio w/h, height and their velocities; noise scaled by the box height.
#pragma once

#include <opencv2/core.hpp>

namespace retail::track {

using KalmanMean = cv::Matx<double, 8, 1>;
using KalmanCov = cv::Matx<double, 8, 8>;
using Measurement = cv::Matx<double, 4, 1>;  // cx, cy, a, h

class KalmanFilterXYAH {
 public:
  static constexpr double kStdWeightPosition = 1.0 / 20.0;
  static constexpr double kStdWeightVelocity = 1.0 / 160.0;

  void initiate(const Measurement& z, KalmanMean& mean, KalmanCov& cov) const;
  void predict(KalmanMean& mean, KalmanCov& cov) const;
  void update(KalmanMean& mean, KalmanCov& cov, const Measurement& z) const;
};

}  // namespace retail::track

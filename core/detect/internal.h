// Shared pieces of the detector back ends (not part of the public API).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "detect/detector.h"

namespace retail::detect::internal {

// A loaded network shared by every detector using the same (back end, file, input size).
// `mutex` serializes forward(): cv::dnn::Net is not re-entrant.
struct SharedNet {
  cv::dnn::Net net;
  std::vector<std::string> outputs;
  std::mutex mutex;
};

// Process-wide cache: returns the object stored under `key`, building it with `load` (under the
// cache lock, so a model is never loaded twice) when absent.
std::shared_ptr<void> acquire(const std::string& key,
                              const std::function<std::shared_ptr<void>()>& load);
template <typename T>
std::shared_ptr<T> acquire_as(const std::string& key,
                              const std::function<std::shared_ptr<T>()>& load) {
  return std::static_pointer_cast<T>(acquire(key, [&] { return std::shared_ptr<void>(load()); }));
}
std::string cache_key(Backend b, const std::string& path, cv::Size input);
std::string canonical(const std::string& path);

// Loads an ONNX / Darknet network, runs one forward pass on a zero blob of `input` to prove it
// works, and fills `outputs` (unconnected output layer names unless given).
std::shared_ptr<SharedNet> load_net(Backend b, const std::string& path, const std::string& weights,
                                    cv::Size input, std::vector<std::string> outputs = {});

// A candidate in frame pixels before NMS.
struct Candidate {
  cv::Rect2f px;
  float score = 0.F;
  std::vector<cv::Point2f> landmarks;
};

// NMS, minimum size, normalization to the frame and clipping.
std::vector<Detection> finish(std::vector<Candidate>& candidates, const ImageView& img,
                              ObjectClass cls, float nms_iou, int min_size_px);

// Clipped region (empty input -> whole frame). Throws kFrame when the result is empty.
cv::Rect effective_roi(const ImageView& img, const cv::Rect& roi_px);

std::unique_ptr<Detector> make_yunet(const DetectorConfig& c);
std::unique_ptr<Detector> make_ultraface(const DetectorConfig& c);
std::unique_ptr<Detector> make_yolo_fastest(const DetectorConfig& c);
std::unique_ptr<Detector> make_nanodet(const DetectorConfig& c);
std::unique_ptr<Detector> make_hog(const DetectorConfig& c);
std::unique_ptr<Detector> make_cascade(const DetectorConfig& c);

}  // namespace retail::detect::internal

// face-api (vladmandic/face-api) age/gender and expression networks, converted to ONNX
// (models/README.md): the face box padded to a black centred square, 112x112 RGB,
// (x - (122.782, 117.001, 104.298)) / 255.
#pragma once

#include <array>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "common/image.h"

namespace retail::attributes {

constexpr int kExpressionCount = 7;
// neutral, happy, sad, angry, fearful, disgusted, surprised (the network's output order).
const char* expression_name(int index);

struct AgeGender {
  float age = 0.F;     // years (regression)
  float p_male = 0.F;  // softmax; p_female = 1 - p_male
};
using Expression = std::array<float, kExpressionCount>;  // softmax probabilities

// The 112x112 network input of a face box (frame pixels): padded to a centred square with black,
// resized, RGB. Only the region is converted.
cv::Mat face_input(const ImageView& img, const cv::Rect& face_px);

// One loaded network, shared per process (cache keyed by the file); run() is thread-safe.
class Net;

class AgeGenderModel {
 public:
  // Throws retail::Error kNotFound (missing file) / kModel (cannot load, wrong outputs), naming
  // the file and the property `property`.
  static std::shared_ptr<const AgeGenderModel> load(const std::string& path,
                                                    const char* property = "age-gender-model-path");
  AgeGender run(const cv::Mat& input112) const;
  explicit AgeGenderModel(std::shared_ptr<Net> net) : net_(std::move(net)) {}

 private:
  std::shared_ptr<Net> net_;
};

class ExpressionModel {
 public:
  static std::shared_ptr<const ExpressionModel> load(const std::string& path,
                                                     const char* property = "emotion-model-path");
  Expression run(const cv::Mat& input112) const;
  explicit ExpressionModel(std::shared_ptr<Net> net) : net_(std::move(net)) {}

 private:
  std::shared_ptr<Net> net_;
};

// Distinct networks alive in the cache (tests).
size_t cached_model_count();

}  // namespace retail::attributes

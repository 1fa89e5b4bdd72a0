// MiniFASNet face anti-spoofing (Silent-Face-Anti-Spoofing): the V2 model on a x2.7 crop and the
// V1SE model on a x4.0 crop, fused as models/README.md describes. One fused check = both nets.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "common/image.h"

namespace retail::liveness {

// Result of one fused check of one face.
struct Check {
  int label = 0;       // argmax of the summed probabilities: 1 = real, 0 and 2 = spoof
  float score = 0.F;   // summed probability of `label` / 2
  float p_live = 0.F;  // summed probability of label 1 / 2
  bool live() const { return label == 1; }
};

// Silent-Face `CropImage._get_new_box`: the face box (pixels, x/y/w/h as floats) scaled by `scale`
// around its centre, the scale capped so the crop fits the image, then shifted (not shrunk) to
// stay inside [0, src-1]. Returns the inclusive crop as a cv::Rect (width = right - left + 1).
cv::Rect silent_face_crop(int src_w, int src_h, const cv::Rect2f& face, float scale);

// The two networks, loaded once per process (see Model::load) and shared by every analyzer.
// check() is thread-safe (each net runs under its own lock).
class Model {
 public:
  // Loads (or reuses from the process-wide cache) the V2 (x2.7) and V1SE (x4.0) networks.
  // Paths go through retail::paths::resolve_model(). Throws retail::Error kNotFound naming a
  // missing file, kModel naming a file that cannot be loaded or does not output 3 logits.
  static std::shared_ptr<const Model> load(const std::string& v2_path,
                                           const std::string& v1se_path);
  // Number of distinct model pairs alive in the cache (tests).
  static size_t cached_count();

  // Fused check of the face `face_px` (frame pixels) of `img`. Only the two crops are converted.
  Check check(const ImageView& img, const cv::Rect2f& face_px) const;

  struct Nets;
  explicit Model(std::shared_ptr<Nets> nets) : nets_(std::move(nets)) {}

 private:
  std::shared_ptr<Nets> nets_;
};

}  // namespace retail::liveness

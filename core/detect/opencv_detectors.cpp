// OpenCV built-in detectors: HOG people and Haar/LBP face cascades (Debian opencv-data). They are
// the fall-back when no model file is available.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "common/error.h"
#include "detect/internal.h"

namespace retail::detect::internal {

namespace {

// Frames are searched at most this wide/high (long side); larger regions are downscaled first.
constexpr int kMaxSide = 960;

float downscale(const cv::Rect& roi) {
  const int side = std::max(roi.width, roi.height);
  return side > kMaxSide ? static_cast<float>(kMaxSide) / static_cast<float>(side) : 1.F;
}

cv::Size scaled(const cv::Rect& roi, float f) {
  return {std::max(1, static_cast<int>(std::lround(static_cast<float>(roi.width) * f))),
          std::max(1, static_cast<int>(std::lround(static_cast<float>(roi.height) * f)))};
}

// ---------------------------------------------------------------- HOG people
struct SharedHog {
  cv::HOGDescriptor hog;
};

class Hog final : public Detector {
 public:
  explicit Hog(const DetectorConfig& c) : config_(c) {
    hog_ = acquire_as<SharedHog>(cache_key(Backend::kHog, "builtin", {64, 128}), [] {
      auto h = std::make_shared<SharedHog>();
      h->hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
      return h;
    });
  }
  Backend backend() const override { return Backend::kHog; }
  ObjectClass object_class() const override { return ObjectClass::kPerson; }
  std::string describe() const override { return "hog (OpenCV default people detector)"; }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    const float f = downscale(roi);
    const cv::Mat gray = crop_resize_gray(img, roi, scaled(roi, f));
    std::vector<cv::Rect> found;
    std::vector<double> weights;
    // detectMultiScale is const and re-entrant: no lock needed.
    hog_->hog.detectMultiScale(gray, found, weights, 0.0, cv::Size(8, 8), cv::Size(8, 8), 1.05,
                               2.0);
    std::vector<Candidate> cands;
    for (size_t i = 0; i < found.size(); ++i) {
      const double w = i < weights.size() ? weights[i] : 0.0;
      Candidate cand;
      cand.score = static_cast<float>(1.0 / (1.0 + std::exp(-2.0 * w)));  // SVM margin -> (0,1)
      if (cand.score < config_.threshold) continue;
      // HOG windows are padded: shrink to the person (models/README.md pitfall 4).
      const cv::Rect2f r(found[i]);
      const cv::Rect2f body(r.x + 0.1F * r.width, r.y + 0.07F * r.height, 0.8F * r.width,
                            0.8F * r.height);
      cand.px = cv::Rect2f(static_cast<float>(roi.x) + body.x / f,
                           static_cast<float>(roi.y) + body.y / f, body.width / f, body.height / f);
      cands.push_back(std::move(cand));
    }
    return finish(cands, img, ObjectClass::kPerson, config_.nms_iou, config_.min_size_px);
  }

 private:
  DetectorConfig config_;
  std::shared_ptr<SharedHog> hog_;
};

// ---------------------------------------------------------------- Haar / LBP faces
struct SharedCascade {
  cv::CascadeClassifier cascade;
  std::mutex mutex;  // CascadeClassifier::detectMultiScale is not re-entrant
};

class Cascade final : public Detector {
 public:
  explicit Cascade(const DetectorConfig& c) : config_(c) {
    cascade_ = acquire_as<SharedCascade>(cache_key(c.backend, c.model, {}), [&] {
      auto s = std::make_shared<SharedCascade>();
      bool ok = false;
      try {
        ok = s->cascade.load(c.model);
      } catch (const cv::Exception& e) {
        ok = false;
      }
      if (!ok || s->cascade.empty())
        throw Error(ErrorKind::kModel,
                    "cannot load cascade '" + c.model +
                        "': not an OpenCV cascade XML. Fix: install Debian's opencv-data or "
                        "point face-model at a haarcascade_*/lbpcascade_* .xml file");
      return s;
    });
  }
  Backend backend() const override { return config_.backend; }
  ObjectClass object_class() const override { return ObjectClass::kFace; }
  std::string describe() const override {
    return std::string(to_string(config_.backend)) + " " + config_.model;
  }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    const float f = downscale(roi);
    cv::Mat gray = crop_resize_gray(img, roi, scaled(roi, f));
    cv::equalizeHist(gray, gray);
    const int min_side =
        std::max(16, static_cast<int>(std::lround(static_cast<float>(config_.min_size_px) * f)));
    std::vector<cv::Rect> found;
    std::vector<int> neighbours;
    {
      std::lock_guard<std::mutex> lock(cascade_->mutex);
      cascade_->cascade.detectMultiScale(gray, found, neighbours, kScaleStep, kMinNeighbours, 0,
                                         cv::Size(min_side, min_side));
    }
    std::vector<Candidate> cands;
    for (size_t i = 0; i < found.size(); ++i) {
      const float n = i < neighbours.size() ? static_cast<float>(neighbours[i]) : 0.F;
      Candidate cand;
      // Cascades have no probability: the neighbour vote is their confidence. face-threshold
      // does not apply (the vote of kMinNeighbours already decided).
      cand.score = n / (n + static_cast<float>(kMinNeighbours));
      const cv::Rect2f r(found[i]);
      cand.px = cv::Rect2f(static_cast<float>(roi.x) + r.x / f, static_cast<float>(roi.y) + r.y / f,
                           r.width / f, r.height / f);
      cands.push_back(std::move(cand));
    }
    return finish(cands, img, ObjectClass::kFace, config_.nms_iou, config_.min_size_px);
  }

 private:
  static constexpr int kMinNeighbours = 4;
  static constexpr int kMinWindow = 24;
  static constexpr double kScaleStep = 1.15;
  DetectorConfig config_;
  std::shared_ptr<SharedCascade> cascade_;
};

}  // namespace

std::unique_ptr<Detector> make_hog(const DetectorConfig& c) { return std::make_unique<Hog>(c); }
std::unique_ptr<Detector> make_cascade(const DetectorConfig& c) {
  return std::make_unique<Cascade>(c);
}

}  // namespace retail::detect::internal

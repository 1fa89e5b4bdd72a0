// ONNX / Darknet back ends: YuNet 2023, UltraFace, Yolo-Fastest, NanoDet-m.
// Feeding and decoding follow models/README.md exactly.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>

#include "common/error.h"
#include "common/paths.h"
#include "detect/internal.h"

namespace retail::detect::internal {

namespace {

float clamp01f(float v) { return std::clamp(v, 0.F, 1.F); }

// Base for every dnn detector: the shared net and the common config.
class DnnDetector : public Detector {
 public:
  DnnDetector(const DetectorConfig& c, ObjectClass cls, cv::Size input)
      : config_(c), cls_(cls), input_(input) {}
  Backend backend() const override { return config_.backend; }
  ObjectClass object_class() const override { return cls_; }
  std::string describe() const override {
    return std::string(to_string(config_.backend)) + " " + config_.model + " " +
           std::to_string(input_.width) + "x" + std::to_string(input_.height);
  }

 protected:
  std::vector<cv::Mat> forward(const cv::Mat& blob) {
    std::vector<cv::Mat> outs;
    std::lock_guard<std::mutex> lock(net_->mutex);
    net_->net.setInput(blob);
    net_->net.forward(outs, net_->outputs);
    // forward() reuses its buffers: copy out before the lock is released.
    for (auto& o : outs) o = o.clone();
    return outs;
  }

  DetectorConfig config_;
  ObjectClass cls_;
  cv::Size input_;
  std::shared_ptr<SharedNet> net_;
};

cv::Size size_or(cv::Size s, cv::Size fallback) { return s.empty() ? fallback : s; }

// ---------------------------------------------------------------- YuNet 2023
class YuNet final : public DnnDetector {
 public:
  explicit YuNet(const DetectorConfig& c) : DnnDetector(c, ObjectClass::kFace, input_of(c)) {
    const std::vector<std::string> names = {"cls_8",   "cls_16", "cls_32", "obj_8",
                                            "obj_16",  "obj_32", "bbox_8", "bbox_16",
                                            "bbox_32", "kps_8",  "kps_16", "kps_32"};
    net_ = acquire_as<SharedNet>(cache_key(c.backend, c.model, input_), [&] {
      return load_net(Backend::kYuNet, c.model, "", input_, names);
    });
  }

  // The input size is pinned in the file; its name says so ("yunet_n_480x640" = H x W).
  static cv::Size input_of(const DetectorConfig& c) {
    if (!c.input_size.empty()) return c.input_size;
    static const std::regex re("(\\d+)x(\\d+)");
    std::smatch m;
    const std::string name = std::filesystem::path(c.model).filename().string();
    if (std::regex_search(name, m, re)) return {std::stoi(m[2]), std::stoi(m[1])};
    return {320, 320};
  }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    const Letterbox lb = letterbox(img, roi, input_, ColorOrder::kBGR, false);
    const cv::Mat blob = cv::dnn::blobFromImage(lb.image);  // BGR, raw 0..255
    const std::vector<cv::Mat> outs = forward(blob);
    std::vector<Candidate> cands;
    const int strides[3] = {8, 16, 32};
    for (int si = 0; si < 3; ++si) {
      const int s = strides[si];
      const int cols = input_.width / s;
      const int rows = input_.height / s;
      const auto* cls = reinterpret_cast<const float*>(outs[static_cast<size_t>(si)].data);
      const auto* obj = reinterpret_cast<const float*>(outs[static_cast<size_t>(3 + si)].data);
      const auto* bbox = reinterpret_cast<const float*>(outs[static_cast<size_t>(6 + si)].data);
      const auto* kps = reinterpret_cast<const float*>(outs[static_cast<size_t>(9 + si)].data);
      if (outs[static_cast<size_t>(si)].total() < static_cast<size_t>(rows * cols))
        throw Error(ErrorKind::kModel, "YuNet output has an unexpected shape: " + config_.model);
      for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
          const int idx = r * cols + c;
          const float score = std::sqrt(clamp01f(cls[idx]) * clamp01f(obj[idx]));
          if (score < config_.threshold) continue;
          const float* b = bbox + static_cast<ptrdiff_t>(idx) * 4;
          const float cx = (static_cast<float>(c) + b[0]) * static_cast<float>(s);
          const float cy = (static_cast<float>(r) + b[1]) * static_cast<float>(s);
          const float w = std::exp(b[2]) * static_cast<float>(s);
          const float h = std::exp(b[3]) * static_cast<float>(s);
          Candidate cand;
          cand.score = score;
          cand.px = to_frame(cv::Rect2f(cx - w / 2.F, cy - h / 2.F, w, h), lb, roi);
          const float* k = kps + static_cast<ptrdiff_t>(idx) * 10;
          for (int i = 0; i < 5; ++i) {
            const float lx = (k[2 * i] + static_cast<float>(c)) * static_cast<float>(s);
            const float ly = (k[2 * i + 1] + static_cast<float>(r)) * static_cast<float>(s);
            cand.landmarks.emplace_back(static_cast<float>(roi.x) + lx / lb.scale,
                                        static_cast<float>(roi.y) + ly / lb.scale);
          }
          cands.push_back(std::move(cand));
        }
      }
    }
    return finish(cands, img, cls_, config_.nms_iou, config_.min_size_px);
  }

 private:
  static cv::Rect2f to_frame(const cv::Rect2f& net, const Letterbox& lb, const cv::Rect& roi) {
    return {static_cast<float>(roi.x) + (net.x - static_cast<float>(lb.offset.x)) / lb.scale,
            static_cast<float>(roi.y) + (net.y - static_cast<float>(lb.offset.y)) / lb.scale,
            net.width / lb.scale, net.height / lb.scale};
  }
};

// ---------------------------------------------------------------- UltraFace
class UltraFace final : public DnnDetector {
 public:
  explicit UltraFace(const DetectorConfig& c)
      : DnnDetector(c, ObjectClass::kFace, size_or(c.input_size, {320, 240})) {
    net_ = acquire_as<SharedNet>(cache_key(c.backend, c.model, input_), [&] {
      return load_net(Backend::kUltraFace, c.model, "", input_, {"scores", "boxes"});
    });
  }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    const cv::Mat rgb = crop_resize_color(img, roi, input_, ColorOrder::kRGB);
    const cv::Mat blob =
        cv::dnn::blobFromImage(rgb, 1.0 / 128.0, cv::Size(), cv::Scalar(127, 127, 127), false);
    const std::vector<cv::Mat> outs = forward(blob);
    const auto* scores = reinterpret_cast<const float*>(outs[0].data);
    const auto* boxes = reinterpret_cast<const float*>(outs[1].data);
    const size_t n = outs[0].total() / 2;
    if (outs[1].total() != n * 4)
      throw Error(ErrorKind::kModel, "UltraFace outputs have unexpected shapes: " + config_.model);
    std::vector<Candidate> cands;
    const auto rw = static_cast<float>(roi.width);
    const auto rh = static_cast<float>(roi.height);
    for (size_t i = 0; i < n; ++i) {
      const float score = scores[i * 2 + 1];
      if (score < config_.threshold) continue;
      const float* b = boxes + i * 4;
      Candidate cand;
      cand.score = score;
      const float x1 = static_cast<float>(roi.x) + b[0] * rw;
      const float y1 = static_cast<float>(roi.y) + b[1] * rh;
      cand.px = cv::Rect2f(x1, y1, (b[2] - b[0]) * rw, (b[3] - b[1]) * rh);
      cands.push_back(std::move(cand));
    }
    return finish(cands, img, cls_, config_.nms_iou, config_.min_size_px);
  }
};

// ---------------------------------------------------------------- Yolo-Fastest (Darknet)
std::string sibling(const std::string& path, const std::string& ext) {
  std::filesystem::path p(path);
  p.replace_extension(ext);
  return p.string();
}

class YoloFastest final : public DnnDetector {
 public:
  explicit YoloFastest(const DetectorConfig& c)
      : DnnDetector(c, ObjectClass::kPerson, size_or(c.input_size, {320, 320})) {
    const std::string ext = std::filesystem::path(c.model).extension().string();
    cfg_ = ext == ".weights" ? sibling(c.model, ".cfg") : c.model;
    weights_ = sibling(cfg_, ".weights");
    for (const std::string& f : {cfg_, weights_}) {
      if (!paths::file_exists(f))
        throw Error(ErrorKind::kNotFound,
                    "Yolo-Fastest needs both '" + cfg_ + "' and '" + weights_ + "', but '" + f +
                        "' is missing. Fix: put the .cfg and .weights files side by side and "
                        "point person-model at the .cfg (models/README.md)");
    }
    net_ = acquire_as<SharedNet>(cache_key(c.backend, cfg_, input_), [&] {
      return load_net(Backend::kYoloFastest, cfg_, weights_, input_);
    });
  }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    const cv::Mat rgb = crop_resize_color(img, roi, input_, ColorOrder::kRGB);
    const cv::Mat blob = cv::dnn::blobFromImage(rgb, 1.0 / 255.0);
    const std::vector<cv::Mat> outs = forward(blob);
    std::vector<Candidate> cands;
    const auto rw = static_cast<float>(roi.width);
    const auto rh = static_cast<float>(roi.height);
    for (const cv::Mat& out : outs) {
      const cv::Mat m = out.reshape(1, static_cast<int>(out.total() / out.size[out.dims - 1]));
      if (m.cols < 6) continue;
      for (int i = 0; i < m.rows; ++i) {
        const auto* row = m.ptr<float>(i);
        const float score = row[5];  // person = class 0, already x objectness
        if (score < config_.threshold) continue;
        Candidate cand;
        cand.score = score;
        const float w = row[2] * rw;
        const float h = row[3] * rh;
        cand.px = cv::Rect2f(static_cast<float>(roi.x) + row[0] * rw - w / 2.F,
                             static_cast<float>(roi.y) + row[1] * rh - h / 2.F, w, h);
        cands.push_back(std::move(cand));
      }
    }
    return finish(cands, img, cls_, config_.nms_iou, config_.min_size_px);
  }

 private:
  std::string cfg_;
  std::string weights_;
};

// ---------------------------------------------------------------- NanoDet-m
class NanoDet final : public DnnDetector {
 public:
  explicit NanoDet(const DetectorConfig& c)
      : DnnDetector(c, ObjectClass::kPerson, size_or(c.input_size, {320, 320})) {
    net_ = acquire_as<SharedNet>(cache_key(c.backend, c.model, input_),
                                 [&] { return load_net(Backend::kNanoDet, c.model, "", input_); });
  }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    const Letterbox lb = letterbox(img, roi, input_, ColorOrder::kBGR, true, cv::INTER_AREA);
    cv::Mat f;
    lb.image.convertTo(f, CV_32FC3);
    cv::subtract(f, cv::Scalar(103.53, 116.28, 123.675), f);
    cv::multiply(f, cv::Scalar(1.0 / 57.375, 1.0 / 57.12, 1.0 / 58.395), f);
    const cv::Mat blob = cv::dnn::blobFromImage(f);
    const std::vector<cv::Mat> outs = forward(blob);
    std::vector<Candidate> cands;
    for (const int s : {8, 16, 32}) {
      const int cols = input_.width / s;
      const int rows = input_.height / s;
      const size_t cells = static_cast<size_t>(rows) * static_cast<size_t>(cols);
      const float* cls = nullptr;
      const float* reg = nullptr;
      for (const cv::Mat& o : outs) {
        if (o.total() == cells * 80) cls = reinterpret_cast<const float*>(o.data);
        if (o.total() == cells * 32) reg = reinterpret_cast<const float*>(o.data);
      }
      if (cls == nullptr || reg == nullptr)
        throw Error(ErrorKind::kModel, "NanoDet outputs have unexpected shapes: " + config_.model);
      for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < cols; ++j) {
          const size_t idx =
              static_cast<size_t>(i) * static_cast<size_t>(cols) + static_cast<size_t>(j);
          const float score = cls[idx * 80];  // person = class 0, sigmoid applied
          if (score < config_.threshold) continue;
          float side[4];
          for (int k = 0; k < 4; ++k) {
            const float* bins = reg + idx * 32 + static_cast<size_t>(k) * 8;
            const float mx = *std::max_element(bins, bins + 8);
            float sum = 0.F;
            float expect = 0.F;
            for (int b = 0; b < 8; ++b) {
              const float e = std::exp(bins[b] - mx);
              sum += e;
              expect += e * static_cast<float>(b);
            }
            side[k] = expect / sum * static_cast<float>(s);
          }
          const float cx = (static_cast<float>(j) + 0.5F) * static_cast<float>(s) - 0.5F;
          const float cy = (static_cast<float>(i) + 0.5F) * static_cast<float>(s) - 0.5F;
          const float x1 = (cx - side[0] - static_cast<float>(lb.offset.x)) / lb.scale;
          const float y1 = (cy - side[1] - static_cast<float>(lb.offset.y)) / lb.scale;
          const float x2 = (cx + side[2] - static_cast<float>(lb.offset.x)) / lb.scale;
          const float y2 = (cy + side[3] - static_cast<float>(lb.offset.y)) / lb.scale;
          Candidate cand;
          cand.score = score;
          cand.px = cv::Rect2f(static_cast<float>(roi.x) + x1, static_cast<float>(roi.y) + y1,
                               x2 - x1, y2 - y1);
          cands.push_back(std::move(cand));
        }
      }
    }
    return finish(cands, img, cls_, config_.nms_iou, config_.min_size_px);
  }
};

}  // namespace

std::unique_ptr<Detector> make_yunet(const DetectorConfig& c) { return std::make_unique<YuNet>(c); }
std::unique_ptr<Detector> make_ultraface(const DetectorConfig& c) {
  return std::make_unique<UltraFace>(c);
}
std::unique_ptr<Detector> make_yolo_fastest(const DetectorConfig& c) {
  return std::make_unique<YoloFastest>(c);
}
std::unique_ptr<Detector> make_nanodet(const DetectorConfig& c) {
  return std::make_unique<NanoDet>(c);
}

}  // namespace retail::detect::internal

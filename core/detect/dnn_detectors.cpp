// ONNX / Darknet back ends: YuNet 2023, UltraFace, Yolo-Fastest, NanoDet-m, YOLOX, PP-PicoDet.
// Feeding and decoding follow models/README.md exactly.
#include <algorithm>
#include <cmath>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
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
    return input_size_from_name(c.model, {320, 320});
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
    // OpenCV's darknet importer gives every [yolo] layer thresh=0.2 unless the cfg says
    // otherwise, and the layer zeroes each class score at or below it: with thresh=0 the whole
    // score range reaches person-threshold (and retailtrack's low-score association).
    std::ifstream in(cfg_);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    net_ = acquire_as<SharedNet>(cache_key(c.backend, cfg_, input_), [&] {
      return load_net(Backend::kYoloFastest, cfg_, weights_, input_, {},
                      with_region_threshold(text, 0.F));
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

// ---------------------------------------------------------------- GFL heads (NanoDet, PicoDet)
// Finds, for each stride, the class-score and box-distribution outputs by their shapes
// ([cells, classes] and [cells, 32], with or without a leading batch dim).
std::vector<GflLevel> gfl_levels(const std::vector<cv::Mat>& outs, const std::vector<int>& strides,
                                 cv::Size input, int* num_classes, const char* what) {
  std::vector<GflLevel> levels;
  for (const int s : strides) {
    GflLevel level;
    level.stride = s;
    level.cells = static_cast<size_t>((input.height + s - 1) / s) *
                  static_cast<size_t>((input.width + s - 1) / s);
    for (const cv::Mat& o : outs) {
      if (o.dims < 2 || o.total() % level.cells != 0) continue;
      const size_t per_cell = o.total() / level.cells;
      if (static_cast<size_t>(o.size[o.dims - 1]) != per_cell ||
          static_cast<size_t>(o.size[o.dims - 2]) != level.cells)
        continue;
      if (per_cell == 32) {
        level.reg = reinterpret_cast<const float*>(o.data);
      } else {
        level.cls = reinterpret_cast<const float*>(o.data);
        *num_classes = static_cast<int>(per_cell);
      }
    }
    if (level.cls == nullptr || level.reg == nullptr)
      throw Error(ErrorKind::kModel, std::string(what) + " outputs have unexpected shapes (no " +
                                         "[" + std::to_string(level.cells) +
                                         ", classes] / [cells, 32] pair for stride " +
                                         std::to_string(s) + ")");
    levels.push_back(level);
  }
  return levels;
}

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
    int num_classes = 0;
    const auto levels = gfl_levels(outs, {8, 16, 32}, input_, &num_classes, "NanoDet");
    std::vector<Candidate> cands =
        decode_gfl(levels, input_, num_classes, 0, config_.threshold, -0.5F);
    for (Candidate& cand : cands) {
      cand.px = cv::Rect2f(
          static_cast<float>(roi.x) + (cand.px.x - static_cast<float>(lb.offset.x)) / lb.scale,
          static_cast<float>(roi.y) + (cand.px.y - static_cast<float>(lb.offset.y)) / lb.scale,
          cand.px.width / lb.scale, cand.px.height / lb.scale);
    }
    return finish(cands, img, cls_, config_.nms_iou, config_.min_size_px);
  }
};

// ---------------------------------------------------------------- YOLOX (raw head)
class Yolox final : public DnnDetector {
 public:
  explicit Yolox(const DetectorConfig& c)
      : DnnDetector(c, ObjectClass::kPerson,
                    c.input_size.empty() ? input_size_from_name(c.model, {416, 416})
                                         : c.input_size) {
    if (input_.width % 32 != 0 || input_.height % 32 != 0)
      throw Error(ErrorKind::kConfig, "YOLOX input " + std::to_string(input_.width) + "x" +
                                          std::to_string(input_.height) +
                                          " is not a multiple of 32 on both sides: pin the file's "
                                          "input dims (models/README.md, tools/fixshape.py)");
    net_ = acquire_as<SharedNet>(cache_key(c.backend, c.model, input_),
                                 [&] { return load_net(Backend::kYolox, c.model, "", input_); });
    const std::vector<int>& shape = net_->output_shapes.at(0);
    cols_ = shape.empty() ? 0 : shape.back();
    if (cols_ < 6)
      throw Error(ErrorKind::kModel, "model '" + c.model +
                                         "' does not end in a YOLOX head ([1, N, 5 + classes]). "
                                         "Fix: use a raw-head YOLOX export (models/README.md)");
    input_kind_ = resolve_yolox_input(c.yolox_input, c.model, cols_);
  }

  std::string describe() const override {
    return DnnDetector::describe() +
           (input_kind_ == YoloxInput::kImageNetRgb ? " rgb-imagenet" : " bgr-raw") + " " +
           std::to_string(cols_ - 5) + " classes";
  }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    const bool rgb = input_kind_ == YoloxInput::kImageNetRgb;
    // YOLOX preproc: top-left letterbox on a 114-grey canvas.
    const Letterbox lb = letterbox(img, roi, input_, rgb ? ColorOrder::kRGB : ColorOrder::kBGR,
                                   false, cv::INTER_LINEAR, cv::Scalar::all(114));
    const cv::Mat blob = yolox_blob(lb.image, input_kind_);
    const std::vector<cv::Mat> outs = forward(blob);
    const cv::Mat& o = outs.at(0);
    std::vector<Candidate> cands =
        decode_yolox(reinterpret_cast<const float*>(o.data), o.total() / static_cast<size_t>(cols_),
                     cols_, input_, config_.threshold, 0);
    for (Candidate& cand : cands) {
      cand.px = cv::Rect2f(static_cast<float>(roi.x) + cand.px.x / lb.scale,
                           static_cast<float>(roi.y) + cand.px.y / lb.scale,
                           cand.px.width / lb.scale, cand.px.height / lb.scale);
    }
    return finish(cands, img, cls_, config_.nms_iou, config_.min_size_px);
  }

 private:
  int cols_ = 0;
  YoloxInput input_kind_ = YoloxInput::kRawBgr;
};

// ---------------------------------------------------------------- PP-PicoDet
cv::Size picodet_input(const DetectorConfig& c) {
  if (!c.input_size.empty()) return c.input_size;
  static const std::regex re("_(\\d{3,4})(_|\\.)");
  std::smatch m;
  const std::string name = std::filesystem::path(c.model).filename().string();
  if (std::regex_search(name, m, re)) return {std::stoi(m[1]), std::stoi(m[1])};
  return {320, 320};
}

class PicoDet final : public DnnDetector {
 public:
  explicit PicoDet(const DetectorConfig& c)
      : DnnDetector(c, ObjectClass::kPerson, picodet_input(c)) {
    net_ = acquire_as<SharedNet>(cache_key(c.backend, c.model, input_),
                                 [&] { return load_net(Backend::kPicoDet, c.model, "", input_); });
  }

  std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) override {
    const cv::Rect roi = effective_roi(img, roi_px);
    // Plain resize of the region (no letterbox), RGB, ImageNet mean/std on 0..255.
    cv::Mat f;
    crop_resize_color(img, roi, input_, ColorOrder::kRGB).convertTo(f, CV_32FC3);
    cv::subtract(f, cv::Scalar(123.675, 116.28, 103.53), f);
    cv::multiply(f, cv::Scalar(1.0 / 58.395, 1.0 / 57.12, 1.0 / 57.375), f);
    const std::vector<cv::Mat> outs = forward(cv::dnn::blobFromImage(f));
    int num_classes = 0;
    const auto levels = gfl_levels(outs, {8, 16, 32, 64}, input_, &num_classes, "PicoDet");
    std::vector<Candidate> cands =
        decode_gfl(levels, input_, num_classes, 0, config_.threshold, 0.F);
    const float sx = static_cast<float>(roi.width) / static_cast<float>(input_.width);
    const float sy = static_cast<float>(roi.height) / static_cast<float>(input_.height);
    const cv::Rect2f canvas(0.F, 0.F, static_cast<float>(input_.width),
                            static_cast<float>(input_.height));
    for (Candidate& cand : cands) {
      const cv::Rect2f b = cand.px & canvas;
      cand.px = cv::Rect2f(static_cast<float>(roi.x) + b.x * sx, static_cast<float>(roi.y) + b.y * sy,
                           b.width * sx, b.height * sy);
    }
    return finish(cands, img, cls_, config_.nms_iou, config_.min_size_px);
  }
};

}  // namespace

YoloxInput resolve_yolox_input(YoloxInput requested, const std::string& model, int cols) {
  if (requested != YoloxInput::kAuto) return requested;
  std::string name = std::filesystem::path(model).filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  const bool mot = name.find("bytetrack") != std::string::npos ||
                   name.find("mot17") != std::string::npos ||
                   name.find("mot20") != std::string::npos || cols == 6;
  return mot ? YoloxInput::kImageNetRgb : YoloxInput::kRawBgr;
}

cv::Mat yolox_blob(const cv::Mat& canvas, YoloxInput kind) {
  if (kind != YoloxInput::kImageNetRgb) return cv::dnn::blobFromImage(canvas);  // raw 0..255
  cv::Mat f;
  canvas.convertTo(f, CV_32FC3, 1.0 / 255.0);
  cv::subtract(f, cv::Scalar(0.485, 0.456, 0.406), f);
  cv::multiply(f, cv::Scalar(1.0 / 0.229, 1.0 / 0.224, 1.0 / 0.225), f);
  return cv::dnn::blobFromImage(f);
}

std::vector<Candidate> decode_yolox(const float* data, size_t rows, int cols, cv::Size input,
                                    float threshold, int class_index) {
  size_t expected = 0;
  for (const int s : {8, 16, 32})
    expected += static_cast<size_t>(input.height / s) * static_cast<size_t>(input.width / s);
  if (rows != expected || cols < 6 || class_index < 0 || class_index >= cols - 5)
    throw Error(ErrorKind::kModel, "YOLOX output is [" + std::to_string(rows) + ", " +
                                       std::to_string(cols) + "], expected [" +
                                       std::to_string(expected) + ", 5 + classes] for a " +
                                       std::to_string(input.width) + "x" +
                                       std::to_string(input.height) + " input");
  std::vector<Candidate> cands;
  size_t idx = 0;
  for (const int s : {8, 16, 32}) {
    const int gw = input.width / s;
    const int gh = input.height / s;
    const auto fs = static_cast<float>(s);
    for (int gy = 0; gy < gh; ++gy) {
      for (int gx = 0; gx < gw; ++gx, ++idx) {
        const float* row = data + idx * static_cast<size_t>(cols);
        const float score = row[4] * row[5 + class_index];
        if (!(score >= threshold)) continue;
        const float cx = (static_cast<float>(gx) + row[0]) * fs;
        const float cy = (static_cast<float>(gy) + row[1]) * fs;
        const float w = std::exp(row[2]) * fs;
        const float h = std::exp(row[3]) * fs;
        Candidate cand;
        cand.score = score;
        cand.px = cv::Rect2f(cx - w / 2.F, cy - h / 2.F, w, h);
        cands.push_back(std::move(cand));
      }
    }
  }
  return cands;
}

std::vector<Candidate> decode_gfl(const std::vector<GflLevel>& levels, cv::Size input,
                                  int num_classes, int class_index, float threshold,
                                  float centre_shift, int reg_max) {
  if (num_classes < 1 || class_index < 0 || class_index >= num_classes || reg_max < 1)
    throw Error(ErrorKind::kModel, "GFL head: class " + std::to_string(class_index) + " of " +
                                       std::to_string(num_classes) + " classes does not exist");
  const int bins = reg_max + 1;
  std::vector<Candidate> cands;
  for (const GflLevel& level : levels) {
    const int s = level.stride;
    const int cols = (input.width + s - 1) / s;
    const int rows = (input.height + s - 1) / s;
    if (level.cells != static_cast<size_t>(rows) * static_cast<size_t>(cols) ||
        level.cls == nullptr || level.reg == nullptr)
      throw Error(ErrorKind::kModel, "GFL head: stride " + std::to_string(s) + " has " +
                                         std::to_string(level.cells) + " cells, expected " +
                                         std::to_string(rows * cols));
    const auto fs = static_cast<float>(s);
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) {
        const size_t idx = static_cast<size_t>(i) * static_cast<size_t>(cols) +
                           static_cast<size_t>(j);
        const float score =
            level.cls[idx * static_cast<size_t>(num_classes) + static_cast<size_t>(class_index)];
        if (!(score >= threshold)) continue;
        float side[4];
        for (int k = 0; k < 4; ++k) {
          const float* b = level.reg + (idx * 4 + static_cast<size_t>(k)) * static_cast<size_t>(bins);
          const float mx = *std::max_element(b, b + bins);
          float sum = 0.F;
          float expect = 0.F;
          for (int n = 0; n < bins; ++n) {
            const float e = std::exp(b[n] - mx);
            sum += e;
            expect += e * static_cast<float>(n);
          }
          side[k] = expect / sum * fs;
        }
        const float cx = (static_cast<float>(j) + 0.5F) * fs + centre_shift;
        const float cy = (static_cast<float>(i) + 0.5F) * fs + centre_shift;
        Candidate cand;
        cand.score = score;
        cand.px = cv::Rect2f(cx - side[0], cy - side[1], side[0] + side[2], side[1] + side[3]);
        cands.push_back(std::move(cand));
      }
    }
  }
  return cands;
}

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
std::unique_ptr<Detector> make_yolox(const DetectorConfig& c) { return std::make_unique<Yolox>(c); }
std::unique_ptr<Detector> make_picodet(const DetectorConfig& c) {
  return std::make_unique<PicoDet>(c);
}

}  // namespace retail::detect::internal

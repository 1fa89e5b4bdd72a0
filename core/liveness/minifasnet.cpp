#include "liveness/minifasnet.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <opencv2/dnn.hpp>

#include "common/error.h"
#include "common/log.h"
#include "common/paths.h"

namespace retail::liveness {

namespace {

constexpr int kInput = 80;
constexpr float kScaleV2 = 2.7F;
constexpr float kScaleV1se = 4.0F;

// One network with its own lock (cv::dnn::Net::forward is not re-entrant).
struct SharedNet {
  std::mutex mutex;
  cv::dnn::Net net;
  std::string path;
};

std::mutex g_cache_mutex;
std::map<std::string, std::weak_ptr<SharedNet>> g_cache;  // canonical path -> net

std::array<float, 3> softmax3(const cv::Mat& logits) {
  const auto* p = logits.ptr<float>();
  const float m = std::max({p[0], p[1], p[2]});
  std::array<float, 3> e{std::exp(p[0] - m), std::exp(p[1] - m), std::exp(p[2] - m)};
  const float sum = e[0] + e[1] + e[2];
  for (float& v : e) v /= sum;
  return e;
}

cv::Mat forward(SharedNet& n, const cv::Mat& bgr80) {
  // NCHW float, BGR, raw 0..255 (Silent-Face's ToTensor does not divide by 255).
  const cv::Mat blob =
      cv::dnn::blobFromImage(bgr80, 1.0, cv::Size(), cv::Scalar(), false, false, CV_32F);
  std::lock_guard<std::mutex> lock(n.mutex);
  n.net.setInput(blob);
  return n.net.forward().clone();
}

std::shared_ptr<SharedNet> load_net(const std::string& configured, const char* property) {
  const std::string path = paths::resolve_model(configured);
  if (!paths::file_exists(path))
    throw Error(ErrorKind::kNotFound,
                "liveness model file '" + path + "' not found: set " + property +
                    " to a MiniFASNet ONNX file, or RETAIL_SHARED_DIR to the folder holding "
                    "models/");
  std::error_code ec;
  const std::string key = std::filesystem::canonical(path, ec).string();
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  if (auto cached = g_cache[key].lock()) return cached;
  auto n = std::make_shared<SharedNet>();
  n->path = path;
  try {
    n->net = cv::dnn::readNetFromONNX(path);
    n->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    n->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    // Dry run: a loadable file that is not a 3-logit anti-spoofing net is refused here.
    const cv::Mat out = forward(*n, cv::Mat(kInput, kInput, CV_8UC3, cv::Scalar(128, 128, 128)));
    if (out.total() != 3)
      throw Error(ErrorKind::kModel, "liveness model file '" + path + "' outputs " +
                                         std::to_string(out.total()) +
                                         " values instead of 3 logits: set " + property +
                                         " to a MiniFASNet 80x80 ONNX file");
  } catch (const cv::Exception& e) {
    throw Error(ErrorKind::kModel,
                "cannot load liveness model file '" + path +
                    "' (corrupt or not an ONNX network): replace the file or set " + property +
                    " to a valid MiniFASNet ONNX file",
                e.what());
  }
  log::info("liveness", "loaded " + path);
  g_cache[key] = n;
  return n;
}

}  // namespace

struct Model::Nets {
  std::shared_ptr<SharedNet> v2;
  std::shared_ptr<SharedNet> v1se;
};

cv::Rect silent_face_crop(int src_w, int src_h, const cv::Rect2f& face, float scale) {
  const float box_w = std::max(face.width, 1.F);
  const float box_h = std::max(face.height, 1.F);
  scale = std::min({(static_cast<float>(src_h) - 1.F) / box_h,
                    (static_cast<float>(src_w) - 1.F) / box_w, scale});
  const float new_w = box_w * scale;
  const float new_h = box_h * scale;
  const float cx = box_w / 2.F + face.x;
  const float cy = box_h / 2.F + face.y;
  float x0 = cx - new_w / 2.F;
  float y0 = cy - new_h / 2.F;
  float x1 = cx + new_w / 2.F;
  float y1 = cy + new_h / 2.F;
  if (x0 < 0.F) {
    x1 -= x0;
    x0 = 0.F;
  }
  if (y0 < 0.F) {
    y1 -= y0;
    y0 = 0.F;
  }
  const auto max_x = static_cast<float>(src_w - 1);
  const auto max_y = static_cast<float>(src_h - 1);
  if (x1 > max_x) {
    x0 -= x1 - max_x;
    x1 = max_x;
  }
  if (y1 > max_y) {
    y0 -= y1 - max_y;
    y1 = max_y;
  }
  // Python int() truncates toward zero; the slice [y0 : y1 + 1] is inclusive of y1.
  const int l = std::max(0, static_cast<int>(x0));
  const int t = std::max(0, static_cast<int>(y0));
  const int r = static_cast<int>(x1);
  const int b = static_cast<int>(y1);
  return {l, t, std::max(1, r - l + 1), std::max(1, b - t + 1)};
}

std::shared_ptr<const Model> Model::load(const std::string& v2_path, const std::string& v1se_path) {
  auto nets = std::make_shared<Nets>();
  nets->v2 = load_net(v2_path, "model-v2-path");
  nets->v1se = load_net(v1se_path, "model-v1se-path");
  return std::make_shared<const Model>(std::move(nets));
}

size_t Model::cached_count() {
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  return static_cast<size_t>(std::count_if(g_cache.begin(), g_cache.end(),
                                           [](const auto& kv) { return !kv.second.expired(); }));
}

Check Model::check(const ImageView& img, const cv::Rect2f& face_px) const {
  std::array<float, 3> sum{0.F, 0.F, 0.F};
  const std::pair<SharedNet*, float> runs[] = {{nets_->v2.get(), kScaleV2},
                                               {nets_->v1se.get(), kScaleV1se}};
  for (const auto& [net, scale] : runs) {
    const cv::Rect crop = silent_face_crop(img.width, img.height, face_px, scale);
    const cv::Mat bgr = crop_resize_color(img, crop, {kInput, kInput}, ColorOrder::kBGR);
    const auto p = softmax3(forward(*net, bgr));
    for (size_t i = 0; i < 3; ++i) sum[i] += p[i];
  }
  Check c;
  c.label = static_cast<int>(std::max_element(sum.begin(), sum.end()) - sum.begin());
  c.score = sum[static_cast<size_t>(c.label)] / 2.F;
  c.p_live = sum[1] / 2.F;
  return c;
}

}  // namespace retail::liveness

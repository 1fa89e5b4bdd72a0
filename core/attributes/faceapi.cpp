#include "attributes/faceapi.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <opencv2/dnn.hpp>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "common/paths.h"

namespace retail::attributes {

constexpr int kInput = 112;

class Net {
 public:
  std::mutex mutex;
  cv::dnn::Net net;
  std::string path;
  std::vector<std::string> outputs;

  std::vector<cv::Mat> run(const cv::Mat& input112) {
    const cv::Mat blob =
        cv::dnn::blobFromImage(input112, 1.0 / 255.0, cv::Size(),
                               cv::Scalar(122.782, 117.001, 104.298), false, false, CV_32F);
    std::lock_guard<std::mutex> lock(mutex);
    net.setInput(blob);
    std::vector<cv::Mat> outs;
    net.forward(outs, outputs);
    for (auto& m : outs) m = m.clone();
    return outs;
  }
};

namespace {

std::mutex g_cache_mutex;
std::map<std::string, std::weak_ptr<Net>> g_cache;

// Loads `configured` and checks that it has the named outputs with the given sizes.
std::shared_ptr<Net> load_net(const std::string& configured, const char* property,
                              const std::vector<std::pair<std::string, size_t>>& want) {
  const std::string path = paths::resolve_model(configured);
  if (!paths::file_exists(path))
    throw Error(ErrorKind::kNotFound, "attribute model file '" + path + "' not found: set " +
                                          property +
                                          " to a face-api ONNX file, or RETAIL_SHARED_DIR to "
                                          "the folder holding models/");
  std::error_code ec;
  const std::string key = std::filesystem::canonical(path, ec).string();
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  if (auto cached = g_cache[key].lock()) return cached;
  auto n = std::make_shared<Net>();
  n->path = path;
  const std::string fix =
      std::string("replace the file or set ") + property + " to a valid face-api ONNX file";
  try {
    n->net = cv::dnn::readNetFromONNX(path);
    n->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    n->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    for (const auto& w : want) n->outputs.push_back(w.first);
    const auto outs = n->run(cv::Mat(kInput, kInput, CV_8UC3, cv::Scalar(128, 128, 128)));
    for (size_t i = 0; i < want.size(); ++i) {
      if (outs[i].total() == want[i].second) continue;
      std::string msg = "attribute model file '" + path + "': output '";
      msg += want[i].first;
      msg += "' has " + std::to_string(outs[i].total());
      msg += " values instead of " + std::to_string(want[i].second);
      msg += ": " + fix;
      throw Error(ErrorKind::kModel, msg);
    }
  } catch (const cv::Exception& e) {
    throw Error(ErrorKind::kModel,
                "cannot load attribute model file '" + path +
                    "' (corrupt, not an ONNX network, or without the expected outputs): " + fix,
                e.what());
  }
  log::info("attributes", "loaded " + path);
  g_cache[key] = n;
  return n;
}

}  // namespace

const char* expression_name(int index) {
  static const char* const kNames[kExpressionCount] = {"neutral", "happy",     "sad",      "angry",
                                                       "fearful", "disgusted", "surprised"};
  return index >= 0 && index < kExpressionCount ? kNames[index] : "unknown";
}

cv::Mat face_input(const ImageView& img, const cv::Rect& face_px) {
  return letterbox(img, face_px, {kInput, kInput}, ColorOrder::kRGB, /*centered=*/true,
                   cv::INTER_LINEAR, cv::Scalar(0, 0, 0))
      .image;
}

std::shared_ptr<const AgeGenderModel> AgeGenderModel::load(const std::string& path,
                                                           const char* property) {
  return std::make_shared<const AgeGenderModel>(
      load_net(path, property, {{"age", 1}, {"gender", 2}}));
}

AgeGender AgeGenderModel::run(const cv::Mat& input112) const {
  const auto outs = net_->run(input112);
  AgeGender r;
  r.age = outs[0].ptr<float>()[0];
  r.p_male = outs[1].ptr<float>()[0];
  return r;
}

std::shared_ptr<const ExpressionModel> ExpressionModel::load(const std::string& path,
                                                             const char* property) {
  return std::make_shared<const ExpressionModel>(load_net(path, property, {{"expression", 7}}));
}

Expression ExpressionModel::run(const cv::Mat& input112) const {
  const auto outs = net_->run(input112);
  Expression e{};
  const auto* p = outs[0].ptr<float>();
  std::copy(p, p + kExpressionCount, e.begin());
  return e;
}

size_t cached_model_count() {
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  return static_cast<size_t>(std::count_if(g_cache.begin(), g_cache.end(),
                                           [](const auto& kv) { return !kv.second.expired(); }));
}

}  // namespace retail::attributes

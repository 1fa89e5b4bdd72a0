#include "detect/detector.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include "common/error.h"
#include "common/log.h"
#include "common/paths.h"
#include "detect/internal.h"

namespace retail::detect {

Detector::~Detector() = default;

namespace {
struct BackendName {
  Backend backend;
  const char* name;
};
constexpr BackendName kNames[] = {
    {Backend::kAuto, "auto"},           {Backend::kYuNet, "yunet"},
    {Backend::kUltraFace, "ultraface"}, {Backend::kYoloFastest, "yolo-fastest"},
    {Backend::kNanoDet, "nanodet"},     {Backend::kYolox, "yolox"},
    {Backend::kPicoDet, "picodet"},     {Backend::kHog, "hog"},
    {Backend::kHaar, "haar"},           {Backend::kLbp, "lbp"},
    {Backend::kNone, "none"},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

const char* to_string(Backend b) {
  for (const auto& n : kNames)
    if (n.backend == b) return n.name;
  return "unknown";
}

Backend backend_from_string(const std::string& name) {
  const std::string l = lower(name);
  for (const auto& n : kNames)
    if (l == n.name) return n.backend;
  throw Error(ErrorKind::kConfig,
              "unknown detector back end '" + name +
                  "': use one of auto, yunet, ultraface, yolo-fastest, nanodet, yolox, picodet, "
                  "hog, haar, lbp, none");
}

ObjectClass class_of(Backend b) {
  switch (b) {
    case Backend::kYoloFastest:
    case Backend::kNanoDet:
    case Backend::kYolox:
    case Backend::kPicoDet:
    case Backend::kHog:
      return ObjectClass::kPerson;
    default:
      return ObjectClass::kFace;
  }
}

Backend infer_backend(const std::string& model_path) {
  const std::string name = lower(std::filesystem::path(model_path).filename().string());
  const std::string ext = lower(std::filesystem::path(model_path).extension().string());
  if (name.find("yunet") != std::string::npos) return Backend::kYuNet;
  if (name.find("ultraface") != std::string::npos || name.find("rfb") != std::string::npos ||
      name.find("slim") != std::string::npos)
    return Backend::kUltraFace;
  if (name.find("nanodet") != std::string::npos) return Backend::kNanoDet;
  if (name.find("yolox") != std::string::npos || name.find("bytetrack") != std::string::npos)
    return Backend::kYolox;
  if (name.find("picodet") != std::string::npos) return Backend::kPicoDet;
  if (ext == ".cfg" || ext == ".weights") return Backend::kYoloFastest;
  if (name.find("lbpcascade") != std::string::npos) return Backend::kLbp;
  if (name.find("haarcascade") != std::string::npos) return Backend::kHaar;
  throw Error(ErrorKind::kConfig,
              "cannot tell which detector '" + model_path +
                  "' is from its file name: set face-backend / person-backend explicitly "
                  "(yunet, ultraface, yolo-fastest, nanodet, yolox, picodet, haar, lbp)");
}

float score_floor(Backend b) {
  switch (b) {
    case Backend::kHog:
      return 0.5F;  // hitThreshold 0: SVM margin > 0 only, mapped to >= 0.5
    default:
      return 0.F;
  }
}

std::string default_cascade(Backend b) {
  if (b == Backend::kLbp)
    return "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml";
  return "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
}

namespace internal {

namespace {
std::mutex& cache_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::shared_ptr<void>>& cache() {
  static std::map<std::string, std::shared_ptr<void>> c;
  return c;
}
}  // namespace

std::shared_ptr<void> acquire(const std::string& key,
                              const std::function<std::shared_ptr<void>()>& load) {
  std::lock_guard<std::mutex> lock(cache_mutex());
  auto it = cache().find(key);
  if (it != cache().end()) return it->second;
  auto obj = load();
  cache().emplace(key, obj);
  log::debug("detect", "loaded " + key);
  return obj;
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

std::string cache_key(Backend b, const std::string& path, cv::Size input) {
  return std::string(to_string(b)) + "|" + canonical(path) + "|" + std::to_string(input.width) +
         "x" + std::to_string(input.height);
}

std::shared_ptr<SharedNet> load_net(Backend b, const std::string& path, const std::string& weights,
                                    cv::Size input, std::vector<std::string> outputs,
                                    const std::string& darknet_cfg) {
  auto shared = std::make_shared<SharedNet>();
  try {
    if (weights.empty()) {
      shared->net = cv::dnn::readNetFromONNX(path);
    } else if (darknet_cfg.empty()) {
      shared->net = cv::dnn::readNetFromDarknet(path, weights);
    } else {
      std::ifstream in(weights, std::ios::binary);
      const std::vector<uchar> model((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
      const std::vector<uchar> cfg(darknet_cfg.begin(), darknet_cfg.end());
      shared->net = cv::dnn::readNetFromDarknet(cfg, model);
    }
  } catch (const cv::Exception& e) {
    throw Error(ErrorKind::kModel,
                std::string("cannot load ") + to_string(b) + " model '" + path +
                    "': OpenCV dnn rejected it (wrong or corrupt file?). Fix: point the model "
                    "property at a valid " +
                    to_string(b) + " file (see models/README.md) or choose another back end",
                e.what());
  }
  if (shared->net.empty())
    throw Error(ErrorKind::kModel, std::string("cannot load ") + to_string(b) + " model '" + path +
                                       "': the file holds no network. Fix: use a valid " +
                                       to_string(b) + " file (see models/README.md)");
  shared->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  shared->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  shared->outputs =
      outputs.empty() ? shared->net.getUnconnectedOutLayersNames() : std::move(outputs);
  // One dry run proves the file fits the decoder (input size, output names).
  try {
    const int dims[4] = {1, 3, input.height, input.width};
    cv::Mat blob(4, dims, CV_32F, cv::Scalar(0));
    shared->net.setInput(blob);
    std::vector<cv::Mat> outs;
    shared->net.forward(outs, shared->outputs);
    for (const cv::Mat& o : outs) shared->output_shapes.emplace_back(o.size.p, o.size.p + o.dims);
  } catch (const cv::Exception& e) {
    throw Error(ErrorKind::kModel,
                std::string("model '") + path + "' loads but does not run as a " + to_string(b) +
                    " detector with a " + std::to_string(input.width) + "x" +
                    std::to_string(input.height) +
                    " input. Fix: use the file models/README.md lists for this back end or set "
                    "the back end property to match the file",
                e.what());
  }
  return shared;
}

std::string with_region_threshold(const std::string& cfg_text, float value) {
  std::istringstream in(cfg_text);
  std::ostringstream out;
  std::string line;
  bool region = false;
  while (std::getline(in, line)) {
    std::string key = line.substr(0, line.find('='));
    key.erase(std::remove_if(key.begin(), key.end(), [](unsigned char c) { return std::isspace(c); }),
              key.end());
    if (!key.empty() && key.front() == '[') {
      region = key == "[yolo]" || key == "[region]";
      out << line << '\n';
      if (region) out << "thresh=" << value << '\n';
      continue;
    }
    if (region && key == "thresh" && line.find('=') != std::string::npos) continue;
    out << line << '\n';
  }
  return out.str();
}

cv::Size input_size_from_name(const std::string& model, cv::Size fallback) {
  static const std::regex re("(\\d+)x(\\d+)");
  std::smatch m;
  const std::string name = std::filesystem::path(model).filename().string();
  if (std::regex_search(name, m, re)) return {std::stoi(m[2]), std::stoi(m[1])};
  return fallback;
}

cv::Rect effective_roi(const ImageView& img, const cv::Rect& roi_px) {
  const cv::Rect frame(0, 0, img.width, img.height);
  const cv::Rect r = roi_px.empty() ? frame : (roi_px & frame);
  if (r.empty() || img.planes[0] == nullptr)
    throw Error(ErrorKind::kFrame, "region of interest is empty or the frame has no pixels");
  return r;
}

std::vector<Detection> finish(std::vector<Candidate>& candidates, const ImageView& img,
                              ObjectClass cls, float nms_iou, int min_size_px) {
  std::vector<Box> boxes;
  std::vector<float> scores;
  boxes.reserve(candidates.size());
  scores.reserve(candidates.size());
  for (const auto& c : candidates) {
    boxes.push_back({c.px.x, c.px.y, c.px.width, c.px.height});
    scores.push_back(c.score);
  }
  const std::vector<int> keep = nms(boxes, scores, nms_iou);
  const float fw = static_cast<float>(img.width);
  const float fh = static_cast<float>(img.height);
  std::vector<Detection> out;
  out.reserve(keep.size());
  for (int i : keep) {
    const Candidate& c = candidates[static_cast<size_t>(i)];
    const float size = cls == ObjectClass::kFace ? std::min(c.px.width, c.px.height) : c.px.height;
    if (size < static_cast<float>(min_size_px)) continue;
    Detection d;
    d.cls = cls;
    d.confidence = std::clamp(c.score, 0.F, 1.F);
    d.box = clamp01(Box{c.px.x / fw, c.px.y / fh, c.px.width / fw, c.px.height / fh});
    if (d.box.area() <= 0.F) continue;
    for (const auto& p : c.landmarks)
      d.landmarks.push_back({std::clamp(p.x / fw, 0.F, 1.F), std::clamp(p.y / fh, 0.F, 1.F)});
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace internal

std::unique_ptr<Detector> make_detector(const DetectorConfig& config) {
  if (!(config.threshold >= 0.F && config.threshold <= 1.F))
    throw Error(ErrorKind::kConfig, "detector threshold must be in [0,1]");
  if (!(config.nms_iou > 0.F && config.nms_iou <= 1.F))
    throw Error(ErrorKind::kConfig, "nms-iou must be in (0,1]");
  Backend b = config.backend;
  if (b == Backend::kAuto) {
    if (config.model.empty())
      throw Error(ErrorKind::kConfig,
                  "no model file and no back end given: set a model path or a "
                  "built-in back end (hog, haar, lbp)");
    b = infer_backend(config.model);
  }
  DetectorConfig c = config;
  c.backend = b;
  const bool needs_file = b == Backend::kYuNet || b == Backend::kUltraFace ||
                          b == Backend::kYoloFastest || b == Backend::kNanoDet ||
                          b == Backend::kYolox || b == Backend::kPicoDet;
  if (needs_file && c.model.empty())
    throw Error(ErrorKind::kConfig, std::string("back end ") + to_string(b) +
                                        " needs a model file: set the model property");
  if ((b == Backend::kHaar || b == Backend::kLbp) && c.model.empty()) c.model = default_cascade(b);
  if (!c.model.empty() && b != Backend::kHog && b != Backend::kYoloFastest &&
      !paths::file_exists(c.model))
    throw Error(ErrorKind::kNotFound,
                std::string("model file '") + c.model + "' not found. Fix: give an existing " +
                    to_string(b) + " file (models are looked up under " + paths::models_dir() +
                    "; set RETAIL_SHARED_DIR to the folder holding models/)");
  switch (b) {
    case Backend::kYuNet:
      return internal::make_yunet(c);
    case Backend::kUltraFace:
      return internal::make_ultraface(c);
    case Backend::kYoloFastest:
      return internal::make_yolo_fastest(c);
    case Backend::kNanoDet:
      return internal::make_nanodet(c);
    case Backend::kYolox:
      return internal::make_yolox(c);
    case Backend::kPicoDet:
      return internal::make_picodet(c);
    case Backend::kHog:
      return internal::make_hog(c);
    case Backend::kHaar:
    case Backend::kLbp:
      return internal::make_cascade(c);
    default:
      break;
  }
  throw Error(ErrorKind::kConfig, std::string("back end ") + to_string(b) + " builds no detector");
}

size_t cached_model_count() {
  std::lock_guard<std::mutex> lock(internal::cache_mutex());
  return internal::cache().size();
}

void trim_model_cache() {
  std::lock_guard<std::mutex> lock(internal::cache_mutex());
  auto& c = internal::cache();
  for (auto it = c.begin(); it != c.end();) {
    if (it->second.use_count() == 1)
      it = c.erase(it);
    else
      ++it;
  }
}

}  // namespace retail::detect

#include "detect/frame_detector.h"

#include <cstdio>
#include <filesystem>
#include <opencv2/core.hpp>

#include "common/error.h"
#include "common/log.h"
#include "common/paths.h"

namespace retail::detect {

namespace {

bool models_dir_present() {
  std::error_code ec;
  return std::filesystem::is_directory(paths::models_dir(), ec);
}

// Shared resolution of one concern (face or person).
DetectorConfig resolve(const char* what, const std::string& model, const char* default_model,
                       Backend backend, Backend builtin, float threshold, float nms_iou,
                       int min_size, std::vector<std::string>* notices,
                       const char* fallback_model = nullptr) {
  DetectorConfig d;
  d.threshold = threshold;
  d.nms_iou = nms_iou;
  d.min_size_px = min_size;
  d.backend = backend;
  const std::string prop = std::string(what) + "-model";
  const std::string bprop = std::string(what) + "-backend";
  if (backend == Backend::kNone) return d;
  const bool is_default = model == default_model;
  if (backend == Backend::kHog) return d;  // no file
  if (backend == Backend::kHaar || backend == Backend::kLbp) {
    d.model =
        (model.empty() || is_default) ? default_cascade(backend) : paths::resolve_model(model);
    if (!paths::file_exists(d.model))
      throw Error(ErrorKind::kNotFound,
                  prop + ": cascade file '" + d.model +
                      "' not found. Fix: install Debian's opencv-data package or set " + prop +
                      " to a cascade .xml file");
    return d;
  }
  if (model.empty()) {
    if (backend != Backend::kAuto)
      throw Error(ErrorKind::kConfig, bprop + "=" + to_string(backend) +
                                          " needs a model file: set " + prop +
                                          " (see models/README.md)");
    d.backend = builtin;  // nothing configured: the OpenCV built-in
    if (builtin != Backend::kHog) d.model = default_cascade(builtin);
    return d;
  }
  d.model = paths::resolve_model(model);
  if (!paths::file_exists(d.model) && is_default && backend == Backend::kAuto &&
      fallback_model != nullptr && models_dir_present() &&
      paths::file_exists(paths::resolve_model(fallback_model))) {
    // An older models folder without the default file: the previous default still works.
    const std::string msg = std::string(what) + "-model: default " + default_model +
                            " is not in " + paths::models_dir() + ": using " + fallback_model +
                            " instead. Fix: update the shared models folder (models/README.md) "
                            "or set " + prop + " explicitly";
    log::warning("detect", msg);
    if (notices != nullptr) notices->push_back(msg);
    d.model = paths::resolve_model(fallback_model);
  }
  if (!paths::file_exists(d.model)) {
    if (is_default && backend == Backend::kAuto && !models_dir_present()) {
      const std::string plural = std::string(what) == "face" ? "faces" : "people";
      const std::string msg = "models folder " + paths::models_dir() + " not found: " + plural +
                              " are found with OpenCV's built-in " + to_string(builtin) +
                              " detector instead of " + default_model +
                              ". Fix: set RETAIL_SHARED_DIR to the folder holding models/";
      log::warning("detect", msg);
      if (notices != nullptr) notices->push_back(msg);
      d.backend = builtin;
      d.model = builtin == Backend::kHog ? "" : default_cascade(builtin);
      return d;
    }
    throw Error(ErrorKind::kNotFound,
                prop + ": model file '" + model + "' not found (also looked in " +
                    paths::models_dir() + "). Fix: set " + prop +
                    " to an existing file, set RETAIL_SHARED_DIR to the folder holding models/, or "
                    "use " +
                    bprop + "=" + to_string(builtin) + " (no file needed)");
  }
  if (d.backend == Backend::kAuto) {
    try {
      d.backend = infer_backend(d.model);
    } catch (const Error& e) {
      throw Error(ErrorKind::kConfig, prop + ": " + e.what());
    }
  }
  const ObjectClass want = std::string(what) == "face" ? ObjectClass::kFace : ObjectClass::kPerson;
  if (class_of(d.backend) != want)
    throw Error(ErrorKind::kConfig, prop + " '" + d.model + "' is a " + to_string(d.backend) +
                                        " model, which finds " + to_string(class_of(d.backend)) +
                                        "s, not " + what + "s. Fix: use a " + what +
                                        " model or set " + bprop);
  return d;
}

std::unique_ptr<Detector> build(const char* what, const DetectorConfig& d) {
  if (d.backend == Backend::kNone) return nullptr;
  try {
    return make_detector(d);
  } catch (const Error& e) {
    throw Error(e.kind(), std::string(what) + "-model: " + e.what(), e.detail());
  }
}

}  // namespace

DetectorConfig resolve_face(const Config& c, std::vector<std::string>* notices) {
  return resolve("face", c.face.model, kDefaultFaceModel, c.face.backend, Backend::kHaar,
                 c.face.threshold, c.nms_iou, c.face.min_size_px, notices);
}

DetectorConfig resolve_person(const Config& c, std::vector<std::string>* notices) {
  return resolve("person", c.person.model, kDefaultPersonModel, c.person.backend, Backend::kHog,
                 c.person.threshold, c.nms_iou, c.person.min_height_px, notices,
                 kFastPersonModel);
}

void link_faces(std::vector<Object>& objects, float min_containment) {
  for (Object& face : objects) {
    if (face.cls != ObjectClass::kFace) continue;
    float best = 0.F;
    uint64_t parent = 0;
    for (const Object& person : objects) {
      if (person.cls != ObjectClass::kPerson) continue;
      const float share = containment(face.box, person.box);
      if (share > best) {
        best = share;
        parent = person.id;
      }
    }
    if (parent != 0 && best >= min_containment) face.parent_id = parent;
  }
}

void append_detections(FrameAnalytics& fa, const std::vector<Detection>& detections,
                       float link_containment) {
  uint64_t id = fa.next_object_id();
  std::vector<Object> fresh;
  fresh.reserve(detections.size());
  for (const Detection& d : detections) {
    Object o;
    o.id = id++;
    o.cls = d.cls;
    o.confidence = d.confidence;
    o.box = clamp01(d.box);
    o.landmarks = d.landmarks;
    fresh.push_back(std::move(o));
  }
  link_faces(fresh, link_containment);
  fa.objects.insert(fa.objects.end(), fresh.begin(), fresh.end());
}

std::string threshold_floor_notice(Backend b, float threshold) {
  const float floor = score_floor(b);
  if (!(threshold < floor)) return "";
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "person-threshold=%.2f is below the %s back end's score floor %.2f: it never "
                "returns a person scoring under %.2f, so nothing between %.2f and %.2f reaches "
                "retailtrack (its low-score association gets no boxes). Fix: set "
                "person-threshold >= %.2f, or use a DNN person model (yolox, picodet, nanodet, "
                "yolo-fastest: no floor) for low-score boxes",
                static_cast<double>(threshold), to_string(b), static_cast<double>(floor),
                static_cast<double>(floor), static_cast<double>(threshold),
                static_cast<double>(floor), static_cast<double>(floor));
  return buf;
}

FrameDetector::FrameDetector(const Config& config) : config_(config) {
  validate(config_);
  roi_ = parse_roi(config_.roi);
  if (config_.threads > 0) cv::setNumThreads(config_.threads);
  face_ = build("face", resolve_face(config_, &notices_));
  person_ = build("person", resolve_person(config_, &notices_));
  if (person_) {
    const std::string n = threshold_floor_notice(person_->backend(), config_.person.threshold);
    if (!n.empty()) {
      log::warning("detect", n);
      setting_notices_.push_back(n);
    }
  }
  log::info("detect", "detectors: " + describe());
}

std::string FrameDetector::describe() const {
  std::string s = "face=" + (face_ ? face_->describe() : std::string("none"));
  s += ", person=" + (person_ ? person_->describe() : std::string("none"));
  return s;
}

std::vector<Detection> FrameDetector::detect(const ImageView& img) {
  const cv::Rect roi = img.to_pixels(roi_);
  std::vector<Detection> out;
  if (roi.empty()) return out;
  if (person_) out = person_->detect(img, roi);
  if (face_) {
    auto faces = face_->detect(img, roi);
    out.insert(out.end(), faces.begin(), faces.end());
  }
  return out;
}

void FrameDetector::process(const ImageView& img, FrameAnalytics& fa, int64_t pts_ns) {
  const uint64_t n = frames_seen_++;
  if (fa.source.width == 0 || fa.source.height == 0) {  // nobody upstream described the frame
    fa.source.frame_index = n;
    fa.source.width = img.width;
    fa.source.height = img.height;
  }
  if (fa.source.pts_ns < 0) fa.source.pts_ns = pts_ns;
  if (n % config_.interval != 0) return;  // skipped: detector_ran stays as upstream left it
  const auto dets = detect(img);
  append_detections(fa, dets, config_.link_containment);
  fa.detector_ran = true;
  ++inference_runs_;
  objects_ += dets.size();
}

FrameStats FrameDetector::stats() const {
  FrameStats s;
  s.frames_seen = frames_seen_.load();
  s.inference_runs = inference_runs_.load();
  s.objects = objects_.load();
  return s;
}

}  // namespace retail::detect

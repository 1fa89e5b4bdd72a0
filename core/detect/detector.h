// Face and person detectors: one interface, several back ends (models/README.md tells how each
// model is fed and decoded). Loaded networks live in a process-wide cache keyed by
// (back end, canonical path, input size), so several elements or cameras share one net; every
// Detector::detect() is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "common/analytics.h"
#include "common/geometry.h"
#include "common/image.h"

namespace retail::detect {

// Which algorithm runs. kAuto = inferred from the model file name (infer_backend()).
enum class Backend {
  kAuto,
  kYuNet,        // faces, ONNX (default face model)
  kUltraFace,    // faces, ONNX
  kYoloFastest,  // people, Darknet cfg + weights (default person model)
  kNanoDet,      // people, ONNX (more accurate, slower)
  kHog,          // people, OpenCV built-in HOG + linear SVM (no file)
  kHaar,         // faces, OpenCV Haar cascade (opencv-data)
  kLbp,          // faces, OpenCV LBP cascade (opencv-data)
  kNone,         // this concern is switched off
  // Appended after kNone so the enum values users may have stored stay as they were.
  kYolox,    // people, ONNX: YOLOX raw head (COCO raw-BGR, or ByteTrack MOT normalised RGB)
  kPicoDet,  // people, ONNX: PP-PicoDet GFL heads over 4 strides
};
// "auto", "yunet", "ultraface", "yolo-fastest", "nanodet", "yolox", "picodet", "hog", "haar",
// "lbp", "none".
const char* to_string(Backend b);
// Inverse of to_string(); throws retail::Error(kConfig) on an unknown name.
Backend backend_from_string(const std::string& name);
// The class a back end detects (kPerson for yolo-fastest/nanodet/yolox/picodet/hog, kFace
// otherwise).
ObjectClass class_of(Backend b);
// Back end implied by a model file name ("yunet" -> kYuNet, "*.cfg"/"*.weights" -> kYoloFastest,
// "nanodet" -> kNanoDet, "yolox"/"bytetrack" -> kYolox, "picodet" -> kPicoDet,
// "ultraface"/"rfb"/"slim" -> kUltraFace, "haarcascade*" -> kHaar, "lbpcascade*" -> kLbp).
// Throws retail::Error(kConfig) when the name says nothing.
Backend infer_backend(const std::string& model_path);

// The lowest confidence a back end can return (measured, docs/BENCHMARKS.md "Score floors"): a
// threshold below it keeps nothing more. 0 = no floor (sigmoid scores reach ~1e-10 and below).
// Yolo-Fastest: 0 too, because its region layers are loaded with thresh=0 (OpenCV's darknet
// importer defaults them to 0.2 and zeroes every lower score). HOG: its SVM margin is mapped to
// (0,1) so it has no floor either, but OpenCV's hitThreshold 0 keeps only margins > 0, i.e.
// confidences >= 0.5.
float score_floor(Backend b);

// How a YOLOX file wants its pixels. COCO YOLOX exports take raw BGR 0..255; ByteTrack's
// MOT-trained exports take RGB (x/255 - ImageNet mean) / ImageNet std. kAuto: ImageNet RGB when
// the file name contains "bytetrack" or "mot" or the head has a single class, raw BGR otherwise.
enum class YoloxInput { kAuto, kRawBgr, kImageNetRgb };

// One detection. `box` and `landmarks` are normalized to the FULL frame given to detect()
// (not to the region of interest), clipped to [0,1].
struct Detection {
  ObjectClass cls = ObjectClass::kPerson;
  float confidence = 0.F;
  Box box;
  std::vector<Point> landmarks;  // YuNet: right eye, left eye, nose, right/left mouth corner
};

// Everything needed to build one detector. The element fills it from FaceConfig/PersonConfig
// (config.h) after resolving the model path.
struct DetectorConfig {
  Backend backend = Backend::kAuto;  // kAuto: inferred from `model`
  std::string model;                 // model file; empty = built-in default (HOG, cascades)
  float threshold = 0.5F;            // minimum confidence kept, in [0,1]
  float nms_iou = 0.45F;             // IoU above which the weaker of two boxes is dropped
  int min_size_px = 0;  // smallest box kept, in frame pixels (face: shorter side; person: height)
  cv::Size input_size;  // network input (0x0 = the model's own size)
  YoloxInput yolox_input = YoloxInput::kAuto;  // YOLOX only
};

class Detector {
 public:
  virtual ~Detector();
  // Detections inside `roi_px` (frame pixels; clipped to the frame; an empty rect = whole
  // frame). Only the region is resized/converted (retail::crop_resize_* / letterbox).
  // Thread-safe. Throws retail::Error(kFrame) on an unusable frame.
  virtual std::vector<Detection> detect(const ImageView& img, const cv::Rect& roi_px) = 0;
  virtual Backend backend() const = 0;
  virtual ObjectClass object_class() const = 0;
  // Human-readable description ("yunet face/yunet_n_320x320.onnx 320x320").
  virtual std::string describe() const = 0;
};

// Builds a detector. Loads (or reuses from the process-wide cache) the model. Throws
// retail::Error: kNotFound when the model file is missing, kModel when it cannot be loaded or
// run, kConfig for a back end that does not fit the file or an out-of-range value.
std::unique_ptr<Detector> make_detector(const DetectorConfig& config);

// Number of distinct networks currently held by the cache (for tests and stats).
size_t cached_model_count();
// Drops cached networks no detector uses any more.
void trim_model_cache();

// Default OpenCV cascade files (Debian opencv-data).
std::string default_cascade(Backend b);

}  // namespace retail::detect

// retaildetect configuration. Every field is one element property and its default IS the
// property default (the element constructs a Config{} to read them).
#pragma once

#include <cstdint>
#include <string>

#include "common/geometry.h"
#include "detect/detector.h"

namespace retail::detect {

// Default model files, relative to the models folder (retail::paths::models_dir()).
inline constexpr const char* kDefaultFaceModel = "face/yunet_n_320x320.onnx";
// Default person model: COCO YOLOX-nano pinned to 320x416 (4:3 video). On PETS09-S2L1 it has
// AP50 0.891 vs Yolo-Fastest's 0.812 at ~4x the CPU (docs/BENCHMARKS.md "Detection");
// kFastPersonModel is the fast option for many cameras per box.
inline constexpr const char* kDefaultPersonModel = "person/yolox_nano_320x416.onnx";
inline constexpr const char* kFastPersonModel = "person/yolo-fastest-1.1-body.cfg";

struct FaceConfig {
  std::string model = kDefaultFaceModel;  // "face-model"
  Backend backend = Backend::kAuto;       // "face-backend" (kNone switches faces off)
  float threshold = 0.7F;                 // "face-threshold"
  int min_size_px = 12;                   // "min-face-size-px" (shorter side of the box)
};

struct PersonConfig {
  std::string model = kDefaultPersonModel;  // "person-model" (.onnx, or .cfg with .weights beside)
  Backend backend = Backend::kAuto;         // "person-backend" (kNone switches people off)
  float threshold = 0.5F;                   // "person-threshold"
  int min_height_px = 24;                   // "min-person-height-px"
};

struct Config {
  FaceConfig face;
  PersonConfig person;
  float nms_iou = 0.45F;          // "nms-iou" (both detectors)
  uint32_t interval = 1;          // "interval": run the detectors on every Nth frame
  std::string roi = "0,0,1,1";    // "roi": normalized "x,y,w,h" region searched
  int threads = 0;                // "threads": cv::setNumThreads (process-wide); 0 = leave as is
  bool emit_roi_meta = false;     // "emit-roi-meta": also write GstVideoRegionOfInterestMeta
  float link_containment = 0.7F;  // a face belongs to the person box holding >= this much of it
};

// Parses a normalized "x,y,w,h" region. Throws retail::Error(kConfig) naming the "roi" property
// when it is malformed or not inside [0,1].
Box parse_roi(const std::string& text);

// Throws retail::Error(kConfig) naming the property and the fix for any out-of-range value.
void validate(const Config& config);

}  // namespace retail::detect

// One frame through each detector back end (pre-processing + forward + decoding), with OpenCV
// using 1 and 2 threads. Faces: a 640x360 frame of the Hamilton clip; people: a 768x576 PETS
// frame. Frames are handed over as I420 (what the decoders produce), as in the element.
//   build/bench/bench_detect --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>

#include "common/paths.h"
#include "detect/detector.h"

namespace {

using retail::detect::Backend;

struct I420Frame {
  cv::Mat data;
  retail::ImageView view;
};

I420Frame first_frame_i420(const std::string& rel) {
  I420Frame f;
  cv::VideoCapture cap(retail::paths::media_dir() + "/" + rel);
  cv::Mat bgr;
  if (!cap.read(bgr)) return f;
  bgr = bgr(cv::Rect(0, 0, bgr.cols & ~1, bgr.rows & ~1)).clone();
  cv::cvtColor(bgr, f.data, cv::COLOR_BGR2YUV_I420);
  f.view = retail::ImageView::from_i420(f.data);
  return f;
}

void run(benchmark::State& state, Backend backend, const std::string& model, float threshold,
         const std::string& clip) {
  static const I420Frame faces = first_frame_i420("faces/hamilton_640x360.mp4");
  static const I420Frame people = first_frame_i420("people/pets09_s2l1_768x576.avi");
  const I420Frame& frame = clip == "faces" ? faces : people;
  if (frame.view.planes[0] == nullptr) {
    state.SkipWithError("media not found (set RETAIL_SHARED_DIR)");
    return;
  }
  retail::detect::DetectorConfig c;
  c.backend = backend;
  c.model = model.empty() ? "" : retail::paths::models_dir() + "/" + model;
  c.threshold = threshold;
  if (!c.model.empty() && !retail::paths::file_exists(c.model)) {
    state.SkipWithError("model not found (set RETAIL_SHARED_DIR)");
    return;
  }
  cv::setNumThreads(static_cast<int>(state.range(0)));
  auto det = retail::detect::make_detector(c);
  size_t found = det->detect(frame.view, {}).size();  // warm-up
  for (auto _ : state) {
    auto d = det->detect(frame.view, {});
    benchmark::DoNotOptimize(d.data());
    found = d.size();
  }
  state.counters["objects"] = static_cast<double>(found);
  state.counters["fps"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

#define RETAIL_DETECT_BENCH(name, ...)      \
  BENCHMARK_CAPTURE(run, name, __VA_ARGS__) \
      ->ArgName("threads")                  \
      ->Arg(1)                              \
      ->Arg(2)                              \
      ->Unit(benchmark::kMillisecond)       \
      ->UseRealTime()

RETAIL_DETECT_BENCH(yunet_faces_640x360, Backend::kYuNet, "face/yunet_n_320x320.onnx", 0.7F,
                    "faces");
RETAIL_DETECT_BENCH(ultraface_faces_640x360, Backend::kUltraFace, "face/ultraface_rfb_320x240.onnx",
                    0.7F, "faces");
RETAIL_DETECT_BENCH(haar_faces_640x360, Backend::kHaar, "", 0.7F, "faces");
RETAIL_DETECT_BENCH(lbp_faces_640x360, Backend::kLbp, "", 0.7F, "faces");
RETAIL_DETECT_BENCH(yolo_fastest_people_768x576, Backend::kYoloFastest,
                    "person/yolo-fastest-1.1-body.cfg", 0.5F, "people");
RETAIL_DETECT_BENCH(nanodet_people_768x576, Backend::kNanoDet, "person/nanodet-m-320.onnx", 0.4F,
                    "people");
RETAIL_DETECT_BENCH(yolox_nano_320x416_people_768x576, Backend::kYolox,
                    "person/yolox_nano_320x416.onnx", 0.5F, "people");
RETAIL_DETECT_BENCH(yolox_nano_416x416_people_768x576, Backend::kYolox,
                    "person/yolox_nano_416x416.onnx", 0.5F, "people");
RETAIL_DETECT_BENCH(picodet_s_320_people_768x576, Backend::kPicoDet,
                    "person/picodet_s_320_coco_cv46.onnx", 0.5F, "people");
RETAIL_DETECT_BENCH(picodet_s_416_people_768x576, Backend::kPicoDet,
                    "person/picodet_s_416_coco_cv46.onnx", 0.5F, "people");
RETAIL_DETECT_BENCH(hog_people_768x576, Backend::kHog, "", 0.5F, "people");

}  // namespace

BENCHMARK_MAIN();

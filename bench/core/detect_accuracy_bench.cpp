// Every person back end on the shared PETS09-S2L1 clip against its MOTChallenge ground truth, in
// ONE run: AP50 (VOC all-point, IoU >= 0.5, detections kept down to score 0.05), precision /
// recall at the back end's working threshold, CPU and wall time per frame, and each figure as a
// ratio against Yolo-Fastest measured in the same run. Also the people found in two group photos
// (19 and 4 faces: every face is a person) as a sanity check away from PETS.
//   build/bench/bench_detect_accuracy [--step 5] [--threads 1] [--no-hog] [--only TEXT]
//                                     [--dump DIR]
// --only keeps the back ends whose label contains TEXT; --dump writes each back end's detections
// (score >= 0.05) as a MOTChallenge detection file DIR/<file stem>.det.txt (pixel boxes, MOT
// frame = video frame index + 1) for `retail-mot track` (use --step 1 for tracking).
// Frames go in as I420 (what decoders hand the element); nms-iou 0.45 and min-person-height-px
// 24 are retaildetect's defaults. CPU = CLOCK_THREAD_CPUTIME_ID of the calling thread, which is
// all the work with --threads 1 (the default).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

#include "common/image.h"
#include "common/paths.h"
#include "detect/average_precision.h"
#include "detect/detector.h"
#include "track/mot_io.h"

namespace {

using retail::detect::Backend;

struct Model {
  const char* label;
  Backend backend;
  const char* file;     // under models/ ("" = built in)
  float threshold;      // working threshold (models/README.md)
  float floor_at = 0.F;  // > 0: also score the detections >= this only (a former floor)
};

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct I420 {
  cv::Mat data;
  retail::ImageView view;
};
I420 to_i420(const cv::Mat& bgr_in) {
  I420 f;
  const cv::Mat bgr = bgr_in(cv::Rect(0, 0, bgr_in.cols & ~1, bgr_in.rows & ~1)).clone();
  cv::cvtColor(bgr, f.data, cv::COLOR_BGR2YUV_I420);
  f.view = retail::ImageView::from_i420(f.data);
  return f;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int step = 5;
  int threads = 1;
  bool hog = true;
  std::string only;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--step" && i + 1 < argc) {
      step = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--no-hog") {
      hog = false;
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: %s [--step N] [--threads N] [--no-hog] [--only TEXT] [--dump DIR]\n",
                   argv[0]);
      return 2;
    }
  }
  const std::string media = retail::paths::media_dir();
  const std::string video = media + "/people/pets09_s2l1_768x576.avi";
  const std::string gt_path = media + "/people/pets09_s2l1_gt/gt/gt.txt";
  if (!retail::paths::file_exists(video) || !retail::paths::file_exists(gt_path)) {
    std::fprintf(stderr, "PETS clip or ground truth not found under %s (set RETAIL_SHARED_DIR)\n",
                 media.c_str());
    return 1;
  }
  cv::setNumThreads(threads);

  // Frames 0, step, 2·step, ... (MOT frame = index + 1) and their ground truth, normalized.
  std::vector<std::pair<int, I420>> frames;
  {
    cv::VideoCapture cap(video);
    cv::Mat bgr;
    for (int idx = 0; cap.read(bgr); ++idx)
      if (idx % step == 0) frames.emplace_back(idx, to_i420(bgr));
  }
  const float fw = static_cast<float>(frames.at(0).second.view.width);
  const float fh = static_cast<float>(frames.at(0).second.view.height);
  std::map<int, std::vector<retail::Box>> gt;
  for (const auto& [idx, f] : frames) gt[idx];
  for (const auto& r : retail::track::read_mot(gt_path)) {
    const int idx = r.frame - 1;
    if (r.conf == 1.F && gt.count(idx) != 0) gt[idx].push_back({r.x / fw, r.y / fh, r.w / fw, r.h / fh});
  }
  const std::vector<cv::Mat> photos = {cv::imread(media + "/faces/group/10.jpg"),
                                       cv::imread(media + "/faces/group/2.jpg")};

  std::vector<Model> models = {
      {"yolo-fastest-1.1-body 320", Backend::kYoloFastest, "person/yolo-fastest-1.1-body.cfg", 0.5F},
      {"  (same, scores >= 0.2 only)", Backend::kYoloFastest, "person/yolo-fastest-1.1-body.cfg", 0.5F, 0.2F},
      {"nanodet-m 320", Backend::kNanoDet, "person/nanodet-m-320.onnx", 0.4F},
      {"yolox-nano 416x416", Backend::kYolox, "person/yolox_nano_416x416.onnx", 0.5F},
      {"yolox-nano 320x416", Backend::kYolox, "person/yolox_nano_320x416.onnx", 0.5F},
      {"picodet-s 320", Backend::kPicoDet, "person/picodet_s_320_coco_cv46.onnx", 0.5F},
      {"picodet-s 416", Backend::kPicoDet, "person/picodet_s_416_coco_cv46.onnx", 0.5F},
  };
  if (hog) models.push_back({"hog (built in)", Backend::kHog, "", 0.5F});

  std::printf("PETS09-S2L1: %zu frames (every %d of 795), %zu gt boxes; OpenCV threads %d; "
              "load average before: %s",
              frames.size(), step, [&] {
                size_t n = 0;
                for (const auto& [k, v] : gt) n += v.size();
                return n;
              }(), threads, [] {
                static char buf[64] = "?\n";
                if (FILE* f = std::fopen("/proc/loadavg", "r")) {
                  if (std::fgets(buf, sizeof buf, f) == nullptr) std::strcpy(buf, "?\n");
                  std::fclose(f);
                }
                return buf;
              }());
  std::printf("%-30s %6s %6s %13s %9s %9s %8s %8s %7s %7s\n", "back end", "AP50", "xYF",
              "P/R @thr", "CPU ms", "wall ms", "xYF cpu", "fps/core", "grp10", "grp2");
  double yf_ap = 0;
  double yf_cpu = 0;
  std::map<int, std::vector<retail::detect::ScoredBox>> last_found;
  double last_cpu = 0, last_wall = 0;
  size_t last_g10 = 0, last_g2 = 0;
  for (const Model& m : models) {
    if (!only.empty() && std::string(m.label).find(only) == std::string::npos) continue;
    std::map<int, std::vector<retail::detect::ScoredBox>> found;
    double cpu = 0;
    double wall = 0;
    size_t g10 = 0;
    size_t g2 = 0;
    if (m.floor_at > 0.F) {  // re-score the previous back end's detections: no second run
      for (const auto& [idx, dets] : last_found)
        for (const auto& d : dets)
          if (d.score >= m.floor_at) found[idx].push_back(d);
      cpu = last_cpu;
      wall = last_wall;
      g10 = last_g10;
      g2 = last_g2;
    } else {
      retail::detect::DetectorConfig c;
      c.backend = m.backend;
      c.model = *m.file != 0 ? retail::paths::models_dir() + "/" + m.file : "";
      c.threshold = 0.05F;
      c.nms_iou = 0.45F;
      c.min_size_px = 24;
      if (!c.model.empty() && !retail::paths::file_exists(c.model)) {
        std::printf("%-30s model %s not found\n", m.label, c.model.c_str());
        continue;
      }
      auto det = retail::detect::make_detector(c);
      (void)det->detect(frames[0].second.view, {});  // warm-up
      std::vector<double> cpus;
      std::vector<double> walls;
      for (const auto& [idx, f] : frames) {
        const double c0 = thread_cpu_ms();
        const auto t0 = std::chrono::steady_clock::now();
        const auto dets = det->detect(f.view, {});
        walls.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        cpus.push_back(thread_cpu_ms() - c0);
        auto& v = found[idx];
        for (const auto& d : dets) v.push_back({d.box, d.confidence});
      }
      cpu = median(cpus);
      wall = median(walls);
      auto count = [&](const cv::Mat& bgr) {
        if (bgr.empty()) return size_t{0};
        size_t n = 0;
        for (const auto& d : det->detect(to_i420(bgr).view, {})) n += d.confidence >= m.threshold;
        return n;
      };
      if (!dump.empty()) {
        std::vector<retail::track::MotRow> rows;
        for (const auto& [idx, dets] : found)
          for (const auto& d : dets)
            rows.push_back({idx + 1, -1, d.box.x * fw, d.box.y * fh, d.box.w * fw, d.box.h * fh,
                            d.score});
        std::string stem = *m.file != 0 ? std::string(m.file) : std::string("hog");
        stem = stem.substr(stem.find('/') + 1);
        stem = stem.substr(0, stem.rfind('.'));
        retail::track::write_mot(dump + "/" + stem + ".det.txt", rows);
      }
      g10 = count(photos[0]);
      g2 = count(photos[1]);
    }
    const auto r = retail::detect::average_precision(found, gt, 0.5F, m.threshold);
    if (m.backend == Backend::kYoloFastest && m.floor_at == 0.F) {
      yf_ap = r.ap;
      yf_cpu = cpu;
    }
    char pr[32];
    std::snprintf(pr, sizeof pr, "%.2f/%.2f@%.1f", r.precision_at, r.recall_at, m.threshold);
    std::printf("%-30s %6.3f %6.2f %13s %9.1f %9.1f %8.2f %8.1f %7zu %7zu\n", m.label, r.ap,
                yf_ap > 0 ? r.ap / yf_ap : 0.0, pr, cpu, wall, yf_cpu > 0 ? cpu / yf_cpu : 0.0,
                cpu > 0 ? 1000.0 / cpu : 0.0, g10, g2);
    std::fflush(stdout);
    last_found = std::move(found);
    last_cpu = cpu;
    last_wall = wall;
    last_g10 = g10;
    last_g2 = g2;
  }
  return 0;
}

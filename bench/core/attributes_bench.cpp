// Per-face cost of attributes: one face-api evaluation (square 112x112 RGB input from an I420
// frame + age/gender and expression forwards), with OpenCV using 1 and 2 threads; and the
// amortized cost per face and frame of the per-track analyzer (one evaluation every K gated
// frames).
//   build/bench/bench_attributes --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "attributes/attributes.h"
#include "common/paths.h"
#include "detect/frame_detector.h"

namespace {

// media/photos/grace_hopper_512x512.jpg as an I420 frame with its face found by the default YuNet.
struct Face {
  cv::Mat i420;
  retail::ImageView view;
  retail::FrameAnalytics faces;
  cv::Rect2f px;
  bool ok = false;
};

const Face& face() {
  static const Face f = [] {
    Face r;
    cv::Mat bgr = cv::imread(retail::paths::media_dir() + "/photos/grace_hopper_512x512.jpg");
    if (bgr.empty()) return r;
    bgr = bgr(cv::Rect(0, 0, bgr.cols & ~1, bgr.rows & ~1)).clone();
    cv::cvtColor(bgr, r.i420, cv::COLOR_BGR2YUV_I420);
    const int w = bgr.cols, h = bgr.rows;
    r.view = retail::ImageView::from_i420(r.i420);
    retail::detect::Config dc;
    dc.person.backend = retail::detect::Backend::kNone;
    retail::detect::FrameDetector(dc).process(r.view, r.faces);
    if (r.faces.objects.empty()) return r;
    const auto& b = r.faces.objects.front().box;
    r.px = {b.x * w, b.y * h, b.w * w, b.h * h};
    r.ok = true;
    return r;
  }();
  return f;
}

void BM_AttributesPerFace(benchmark::State& state) {
  const Face& f = face();
  if (!f.ok) {
    state.SkipWithError("media/models not found (set RETAIL_SHARED_DIR)");
    return;
  }
  cv::setNumThreads(static_cast<int>(state.range(0)));
  const retail::attributes::Config c;
  const auto ag = retail::attributes::AgeGenderModel::load(c.age_gender_model_path);
  const auto ex = retail::attributes::ExpressionModel::load(c.emotion_model_path);
  const cv::Rect px(f.px);
  for (auto _ : state) {
    const cv::Mat in = retail::attributes::face_input(f.view, px);
    benchmark::DoNotOptimize(ag->run(in));
    benchmark::DoNotOptimize(ex->run(in));
  }
  state.SetLabel(std::to_string(state.range(0)) + " thread(s), age/gender + expression");
}
BENCHMARK(BM_AttributesPerFace)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// One tracked face per frame through the analyzer: the cost a frame pays on average.
void BM_AttributesPerTrackPerFrame(benchmark::State& state) {
  const Face& f = face();
  if (!f.ok) {
    state.SkipWithError("media/models not found (set RETAIL_SHARED_DIR)");
    return;
  }
  cv::setNumThreads(2);
  retail::attributes::Config c;
  c.recheck_interval_frames = static_cast<int>(state.range(0));
  retail::attributes::Analyzer a(c);
  retail::FrameAnalytics in = f.faces;
  for (auto& o : in.objects) o.track_id = 1;
  for (auto _ : state) {
    retail::FrameAnalytics fa = in;
    a.process(f.view, fa);
    benchmark::DoNotOptimize(fa);
  }
  state.SetLabel("K=" + std::to_string(state.range(0)) + ", 2 threads");
  state.counters["runs_per_frame"] =
      static_cast<double>(a.stats().age_gender_invocations) / static_cast<double>(a.stats().frames);
}
BENCHMARK(BM_AttributesPerTrackPerFrame)
    ->Arg(1)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

// Per-face cost of liveness: one fused MiniFASNet check (two crops from an I420 frame + V2 and
// V1SE forwards + fusion), with OpenCV using 1 and 2 threads; and the amortized cost per face
// and frame of the per-track analyzer (one check every K = 5 gated frames).
//   build/bench/bench_liveness --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/paths.h"
#include "detect/frame_detector.h"
#include "liveness/liveness.h"

namespace {

// media/liveness/real_T1.jpg as an I420 frame with its face found by the default YuNet.
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
    cv::Mat bgr = cv::imread(retail::paths::media_dir() + "/liveness/real_T1.jpg");
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

void BM_LivenessCheckPerFace(benchmark::State& state) {
  const Face& f = face();
  if (!f.ok) {
    state.SkipWithError("media/models not found (set RETAIL_SHARED_DIR)");
    return;
  }
  cv::setNumThreads(static_cast<int>(state.range(0)));
  const retail::liveness::Config c;
  const auto model = retail::liveness::Model::load(c.model_v2_path, c.model_v1se_path);
  for (auto _ : state) benchmark::DoNotOptimize(model->check(f.view, f.px));
  state.SetLabel(std::to_string(state.range(0)) + " thread(s)");
}
BENCHMARK(BM_LivenessCheckPerFace)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// One tracked face per frame through the analyzer: the cost a frame pays on average.
void BM_LivenessPerTrackPerFrame(benchmark::State& state) {
  const Face& f = face();
  if (!f.ok) {
    state.SkipWithError("media/models not found (set RETAIL_SHARED_DIR)");
    return;
  }
  cv::setNumThreads(2);
  retail::liveness::Config c;
  c.recheck_interval_frames = static_cast<int>(state.range(0));
  retail::liveness::Analyzer a(c);
  retail::FrameAnalytics in = f.faces;
  for (auto& o : in.objects) o.track_id = 1;
  for (auto _ : state) {
    retail::FrameAnalytics fa = in;
    a.process(f.view, fa);
    benchmark::DoNotOptimize(fa);
  }
  state.SetLabel("K=" + std::to_string(state.range(0)) + ", 2 threads");
  state.counters["checks_per_frame"] =
      static_cast<double>(a.stats().model_invocations) / static_cast<double>(a.stats().frames);
}
BENCHMARK(BM_LivenessPerTrackPerFrame)
    ->Arg(1)
    ->Arg(5)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

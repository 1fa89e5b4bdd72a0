// adoverlay core costs per frame: audience summary + playout + scene building (the engine), and
// blurring one face box in place on I420 frames of two sizes. Rendering (cairo) and blending are
// measured in the pipeline benchmark (bench/pipelines/overlay.sh).
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>

#include "overlay/blur.h"
#include "overlay/engine.h"

namespace {

retail::FrameAnalytics crowd(int faces) {
  retail::FrameAnalytics fa;
  for (int i = 0; i < faces; ++i) {
    retail::Object p;
    p.id = static_cast<uint64_t>(2 * i + 1);
    p.cls = retail::ObjectClass::kPerson;
    p.box = {0.05F + 0.15F * static_cast<float>(i), 0.1F, 0.14F, 0.85F};
    p.track_id = p.id;
    retail::Object f = p;
    f.id = p.id + 1;
    f.cls = retail::ObjectClass::kFace;
    f.box = {p.box.x + 0.03F, 0.15F, 0.07F, 0.15F};
    f.parent_id = p.id;
    f.track_id = f.id;
    fa.objects.push_back(p);
    fa.objects.push_back(f);
    fa.set_attribute({f.id, "liveness", "live", 0.9F, 0});
    fa.set_attribute({f.id, "age_band", "25-34", 0.8F, 30});
    fa.set_attribute({f.id, "gender", i % 2 ? "male" : "female", 0.9F, 0});
    fa.set_attribute({f.id, "emotion", "neutral", 0.7F, 0});
  }
  return fa;
}

void BM_EngineProcess(benchmark::State& state) {
  retail::overlay::Settings s;
  s.campaigns_file = std::string(RETAIL_SOURCE_DIR) + "/configs/campaigns.json";
  retail::overlay::Engine engine(s, 1700000000000000LL);
  const retail::FrameAnalytics fa = crowd(static_cast<int>(state.range(0)));
  int64_t pts = 0;
  for (auto _ : state) {
    auto out = engine.process(fa, 1280, 720, pts);
    benchmark::DoNotOptimize(out);
    pts += 40000000;
  }
  state.SetLabel(std::to_string(state.range(0)) + " people + faces, attributes, campaigns");
}
BENCHMARK(BM_EngineProcess)->Arg(1)->Arg(6);

void BM_BlurFaceI420(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0));
  const int h = w * 9 / 16;
  cv::Mat i420(h * 3 / 2, w, CV_8UC1);
  cv::randu(i420, 0, 255);
  retail::overlay::MutableImage img;
  img.format = retail::PixelFormat::kI420;
  img.width = w;
  img.height = h;
  img.planes[0] = i420.data;
  img.planes[1] = i420.data + w * h;
  img.planes[2] = img.planes[1] + (w / 2) * (h / 2);
  img.strides[0] = w;
  img.strides[1] = img.strides[2] = w / 2;
  const cv::Rect face(w / 3, h / 4, w / 8, h / 4);  // a large face: 1/8 x 1/4 of the frame
  for (auto _ : state) retail::overlay::blur_region(img, face);
  state.SetLabel(std::to_string(w) + "x" + std::to_string(h) + ", face " +
                 std::to_string(face.width) + "x" + std::to_string(face.height));
}
BENCHMARK(BM_BlurFaceI420)->Arg(640)->Arg(1280);

}  // namespace

BENCHMARK_MAIN();

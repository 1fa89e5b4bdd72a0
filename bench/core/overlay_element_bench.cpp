// adoverlay per frame, in process (GstHarness, thread CPU time, so other load on the machine does
// not inflate it): a real photo scaled to 640x360 / 1280x720 (I420) with 6 people and 6 faces
// (ids, live badges, attribute labels), HUD and the ad panel, blended into the frame.
// Baseline in the same run: the same push/pull through `identity` (the pipeline without adoverlay).
#include <benchmark/benchmark.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/paths.h"
#include "meta/retail_meta.h"
#include "plugin.h"

namespace {

retail::FrameAnalytics crowd() {
  retail::FrameAnalytics fa;
  for (int i = 0; i < 6; ++i) {
    retail::Object p;
    p.id = static_cast<uint64_t>(2 * i + 1);
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

GstBuffer* frame(int w, int h) {
  cv::Mat bgr = cv::imread(retail::paths::media_dir() + "/faces/group/9.jpg");
  if (bgr.empty()) bgr = cv::Mat(h, w, CV_8UC3, cv::Scalar(90, 120, 150));
  cv::resize(bgr, bgr, cv::Size(w, h));
  cv::Mat i420;
  cv::cvtColor(bgr, i420, cv::COLOR_BGR2YUV_I420);
  GstBuffer* b = gst_buffer_new_allocate(nullptr, i420.total(), nullptr);
  gst_buffer_fill(b, 0, i420.data, i420.total());
  return b;
}

void run(benchmark::State& state, const std::string& element) {
  static bool init = [] {
    gst_init(nullptr, nullptr);
    return retail_plugin_register_static() != FALSE;
  }();
  benchmark::DoNotOptimize(init);
  const int w = static_cast<int>(state.range(0));
  const int h = w * 9 / 16;
  GstHarness* hs = gst_harness_new_parse(element.c_str());
  gst_harness_set_src_caps_str(hs, ("video/x-raw,format=I420,framerate=25/1,width=" +
                                    std::to_string(w) + ",height=" + std::to_string(h))
                                       .c_str());
  GstBuffer* src = frame(w, h);
  const retail::FrameAnalytics fa = crowd();
  GstClockTime pts = 0;
  for (auto _ : state) {
    state.PauseTiming();
    GstBuffer* in = gst_buffer_copy_deep(src);
    GST_BUFFER_PTS(in) = pts;
    pts += 40 * GST_MSECOND;
    retail::meta::write(in, fa);
    state.ResumeTiming();
    GstBuffer* out = gst_harness_push_and_pull(hs, in);
    state.PauseTiming();
    gst_buffer_unref(out);
    state.ResumeTiming();
  }
  gst_buffer_unref(src);
  gst_harness_teardown(hs);
  state.SetLabel(std::to_string(w) + "x" + std::to_string(h));
}

const std::string kCampaigns = std::string(RETAIL_SOURCE_DIR) + "/configs/campaigns.json";

void BM_Identity(benchmark::State& s) { run(s, "identity"); }
void BM_AdOverlayHudPanel(benchmark::State& s) {
  run(s,
      "adoverlay draw-boxes=false draw-ids=false draw-liveness=false draw-attributes=false "
      "campaigns-file=" +
          kCampaigns);
}
void BM_AdOverlayBoxesOnly(benchmark::State& s) {
  run(s,
      "adoverlay draw-ids=false draw-liveness=false draw-attributes=false draw-hud=false "
      "draw-panel=false");
}
void BM_AdOverlayLabelsOnly(benchmark::State& s) {
  run(s, "adoverlay draw-boxes=false draw-hud=false draw-panel=false");
}
void BM_AdOverlayAllLayers(benchmark::State& s) {
  run(s, "adoverlay campaigns-file=" + kCampaigns);
}
void BM_AdOverlayAllLayersBlur(benchmark::State& s) {
  run(s, "adoverlay blur-faces=true campaigns-file=" + kCampaigns);
}
void BM_AdOverlayAllLayersMeta(benchmark::State& s) {
  // downstream renders the composition: adoverlay only draws and attaches it
  static bool init = [] {
    gst_init(nullptr, nullptr);
    return retail_plugin_register_static() != FALSE;
  }();
  benchmark::DoNotOptimize(init);
  const int w = static_cast<int>(s.range(0));
  const int h = w * 9 / 16;
  GstHarness* hs = gst_harness_new_parse(("adoverlay campaigns-file=" + kCampaigns).c_str());
  gst_harness_add_propose_allocation_meta(hs, GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, nullptr);
  gst_harness_set_src_caps_str(hs, ("video/x-raw,format=I420,framerate=25/1,width=" +
                                    std::to_string(w) + ",height=" + std::to_string(h))
                                       .c_str());
  GstBuffer* src = frame(w, h);
  const retail::FrameAnalytics fa = crowd();
  GstClockTime pts = 0;
  for (auto _ : s) {
    s.PauseTiming();
    GstBuffer* in = gst_buffer_copy_deep(src);
    GST_BUFFER_PTS(in) = pts;
    pts += 40 * GST_MSECOND;
    retail::meta::write(in, fa);
    s.ResumeTiming();
    GstBuffer* out = gst_harness_push_and_pull(hs, in);
    s.PauseTiming();
    gst_buffer_unref(out);
    s.ResumeTiming();
  }
  gst_buffer_unref(src);
  gst_harness_teardown(hs);
  s.SetLabel(std::to_string(w) + "x" + std::to_string(h) + " (meta attached, not blended)");
}

BENCHMARK(BM_Identity)->Arg(640)->Arg(1280)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdOverlayHudPanel)->Arg(640)->Arg(1280)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdOverlayBoxesOnly)->Arg(640)->Arg(1280)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdOverlayLabelsOnly)->Arg(640)->Arg(1280)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdOverlayAllLayers)->Arg(640)->Arg(1280)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdOverlayAllLayersBlur)->Arg(640)->Arg(1280)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdOverlayAllLayersMeta)->Arg(640)->Arg(1280)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

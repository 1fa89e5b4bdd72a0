// ByteTracker::update per frame with 10, 30 and 100 people walking in a 1920x1080 frame
// (noisy detections, 10 % of boxes at low score, 5 % missed), and the assignment solver alone.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "track/assignment.h"
#include "track/byte_tracker.h"

namespace {

using retail::track::Detection;

std::vector<std::vector<Detection>> make_scene(int objects, int frames) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> ux(0.F, 1850.F), uy(0.F, 900.F), v(-6.F, 6.F),
      sz(0.8F, 1.2F), u(0.F, 1.F);
  std::normal_distribution<float> noise(0.F, 1.5F);
  struct P {
    float x, y, vx, vy, w, h;
  };
  std::vector<P> people;
  for (int i = 0; i < objects; ++i) {
    const float s = sz(rng);
    people.push_back({ux(rng), uy(rng), v(rng), v(rng), 40.F * s, 110.F * s});
  }
  std::vector<std::vector<Detection>> scene(frames);
  for (int f = 0; f < frames; ++f) {
    for (P& p : people) {
      p.x += p.vx;
      p.y += p.vy;
      if (p.x < 0 || p.x > 1880) p.vx = -p.vx;
      if (p.y < 0 || p.y > 970) p.vy = -p.vy;
      const float r = u(rng);
      if (r < 0.05F) continue;  // missed
      const float score = r < 0.15F ? 0.3F : 0.6F + 0.4F * u(rng);
      scene[f].push_back(
          {{p.x + noise(rng), p.y + noise(rng), p.w + noise(rng), p.h + noise(rng)}, score});
    }
  }
  return scene;
}

void BM_ByteTrackerUpdate(benchmark::State& state) {
  const int objects = static_cast<int>(state.range(0));
  const auto scene = make_scene(objects, 300);
  retail::track::Config c;
  c.frame_rate = 30.0;
  retail::track::ByteTracker tracker(c);
  size_t f = 0;
  size_t published = 0;
  for (auto _ : state) {
    const auto r = tracker.update(scene[f % scene.size()], static_cast<int64_t>(f) * 33333333);
    published += r.tracks.size();
    benchmark::DoNotOptimize(published);
    ++f;
    if (f % scene.size() == 0) tracker = retail::track::ByteTracker(c);  // scene wraps: restart
  }
  state.counters["objects"] = objects;
  state.counters["tracks_per_frame"] =
      benchmark::Counter(static_cast<double>(published) / static_cast<double>(f));
  state.SetItemsProcessed(static_cast<int64_t>(f));
}
BENCHMARK(BM_ByteTrackerUpdate)->Arg(10)->Arg(30)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_Assignment(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  retail::track::CostMatrix m(n, n);
  for (double& c : m.cost) c = u(rng);
  for (auto _ : state) benchmark::DoNotOptimize(retail::track::linear_assignment(m, 0.8));
}
BENCHMARK(BM_Assignment)->Arg(10)->Arg(30)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

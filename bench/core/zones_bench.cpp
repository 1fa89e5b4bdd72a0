// Cost of the zones analytics per frame at 10 and 100 tracks with 20 zones (plus 4 lines and a
// heatmap). Baseline in the same run: copying the frame's analytics, which every metadata writer
// does once per frame (retail::meta::copy_or_new).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>

#include "zones/zone_analytics.h"

namespace {

// 20 hexagonal zones on a 5x4 grid (every 4th a queue), 4 lines, a 32x18 heatmap.
std::string geometry_json() {
  std::string z;
  for (int i = 0; i < 20; ++i) {
    const float cx = 0.1F + 0.2F * static_cast<float>(i % 5);
    const float cy = 0.125F + 0.25F * static_cast<float>(i / 5);
    z += std::string(z.empty() ? "" : ",") + "{\"id\": \"z" + std::to_string(i) +
         "\", \"type\": \"" + (i % 4 == 0 ? "queue" : "zone") + "\", \"points\": [";
    for (int k = 0; k < 6; ++k) {
      const double a = k * M_PI / 3.0;
      z += (k == 0 ? "" : ",") + std::string("[") + std::to_string(cx + 0.09 * std::cos(a)) + "," +
           std::to_string(cy + 0.11 * std::sin(a)) + "]";
    }
    z += "]}";
  }
  return R"({"lines": [
    {"id": "l0", "points": [[0.25, 0.0], [0.25, 1.0]], "in": "left", "entrance": true},
    {"id": "l1", "points": [[0.5, 0.0], [0.5, 0.5], [0.5, 1.0]], "in": "left"},
    {"id": "l2", "points": [[0.0, 0.5], [1.0, 0.5]], "in": "up"},
    {"id": "l3", "points": [[0.1, 0.9], [0.5, 0.7], [0.9, 0.9]], "in": "down"}],
    "zones": [)" +
         z + R"(], "heatmap": {"grid_w": 32, "grid_h": 18, "interval_ms": 60000}})";
}

// `n` people walking on smooth random paths, 30 fps.
struct Crowd {
  explicit Crowd(int n) : rng(42) {
    std::uniform_real_distribution<float> u(0.05F, 0.95F);
    std::uniform_real_distribution<float> v(-0.004F, 0.004F);
    for (int i = 0; i < n; ++i) {
      people.push_back({static_cast<uint64_t>(i + 1), retail::ObjectClass::kPerson,
                        retail::Box{u(rng), u(rng) * 0.8F, 0.04F, 0.15F}});
      vel.push_back({v(rng), v(rng)});
    }
  }
  void step() {
    for (size_t i = 0; i < people.size(); ++i) {
      auto& b = people[i].box;
      b.x += vel[i].x;
      b.y += vel[i].y;
      if (b.x < 0.F || b.x > 0.96F) vel[i].x = -vel[i].x;
      if (b.y < 0.F || b.y > 0.85F) vel[i].y = -vel[i].y;
    }
  }
  std::mt19937 rng;
  std::vector<retail::zones::Tracked> people;
  std::vector<retail::Point> vel;
};

void BM_ZonesUpdate(benchmark::State& state) {
  retail::zones::ZoneAnalytics za(retail::zones::parse_geometry(geometry_json(), "bench"));
  Crowd crowd(static_cast<int>(state.range(0)));
  int64_t t = 0;
  size_t events = 0;
  for (auto _ : state) {
    crowd.step();
    auto ev = za.update(crowd.people, t);
    events += ev.size();
    auto regions = za.regions();
    benchmark::DoNotOptimize(regions.data());
    t += 33333333;
  }
  state.counters["events/frame"] =
      static_cast<double>(events) / static_cast<double>(state.iterations());
  state.SetLabel(std::to_string(za.geometry().zones.size()) + " zones, " +
                 std::to_string(za.geometry().lines.size()) + " lines");
}
BENCHMARK(BM_ZonesUpdate)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

// Baseline: one copy of a frame's analytics with `n` tracked people (what each stage pays).
void BM_FrameAnalyticsCopy(benchmark::State& state) {
  retail::FrameAnalytics fa;
  for (int i = 0; i < state.range(0); ++i) {
    retail::Object o;
    o.id = static_cast<uint64_t>(i + 1);
    o.track_id = o.id;
    o.box = {0.1F, 0.1F, 0.05F, 0.2F};
    fa.objects.push_back(o);
    fa.tracks.push_back(
        {o.id, o.id, retail::ObjectClass::kPerson, retail::TrackState::kTracked, 0, 0});
  }
  for (auto _ : state) {
    retail::FrameAnalytics copy = fa;
    benchmark::DoNotOptimize(copy.objects.data());
  }
}
BENCHMARK(BM_FrameAnalyticsCopy)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

// Cost per event of building and serializing the JSON kafkasink sends (core/schema, json-glib),
// and of appending it to the spool (core/delivery). Run: build-*/bench/bench_kafka_schema
#include <benchmark/benchmark.h>
#include <glib.h>

#include <filesystem>

#include "common/json.h"
#include "delivery/spool.h"
#include "schema/envelope.h"
#include "schema/event_builder.h"

namespace {

std::string track_started_payload() {
  retail::json::Writer w;
  w.field("track_id", 17).field("class", "person");
  w.key("box")
      .begin_object()
      .field("x", 0.41)
      .field("y", 0.22)
      .field("w", 0.08)
      .field("h", 0.31)
      .end_object();
  return w.str();
}

retail::FrameAnalytics frame_with(int objects, int events) {
  retail::FrameAnalytics f;
  f.source.store_id = "store-042";
  f.source.camera_id = "entrance";
  f.source.capture_time_us = 1764089941123456;
  for (int i = 0; i < objects; ++i) {
    retail::Object o;
    o.id = static_cast<uint64_t>(i + 1);
    o.cls = i % 2 == 0 ? retail::ObjectClass::kPerson : retail::ObjectClass::kFace;
    o.confidence = 0.8F;
    o.box = {0.1F * static_cast<float>(i % 8), 0.2F, 0.05F, 0.1F};
    o.track_id = static_cast<uint64_t>(i + 100);
    f.objects.push_back(o);
    if (o.cls == retail::ObjectClass::kFace) f.set_attribute({o.id, "liveness", "live", 0.9F, 0.0});
  }
  for (int i = 0; i < events; ++i) f.events.push_back({"track_started", track_started_payload()});
  return f;
}

// One upstream event -> one enveloped message (UUID, timestamps, payload parse + splice, print).
void BM_BuildEvent(benchmark::State& state) {
  uint64_t seq = 0;
  retail::schema::EventBuilder b({}, "run",
                                 [&](const std::string&, const std::string&) { return seq++; });
  const retail::FrameAnalytics f = frame_with(0, 1);
  for (auto _ : state) benchmark::DoNotOptimize(b.build(f, 1764089942000000));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildEvent);

// The envelope alone, payload already serialized by the producing element.
void BM_EnvelopeJson(benchmark::State& state) {
  retail::schema::EnvelopeFields e;
  e.event_id = retail::schema::new_uuid();
  e.store_id = "store-042";
  e.camera_id = "entrance";
  e.pipeline_run_id = "run";
  e.type = "track_started";
  const std::string p = track_started_payload();
  for (auto _ : state) benchmark::DoNotOptimize(retail::schema::envelope_json(e, p));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnvelopeJson);

// A detections event for a frame with N objects (the per-frame feed, off by default).
void BM_DetectionsEvent(benchmark::State& state) {
  retail::schema::Config c;
  c.detections = true;
  uint64_t seq = 0;
  retail::schema::EventBuilder b(c, "run",
                                 [&](const std::string&, const std::string&) { return seq++; });
  const retail::FrameAnalytics f = frame_with(static_cast<int>(state.range(0)), 0);
  for (auto _ : state) benchmark::DoNotOptimize(b.build(f, 1764089942000000));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DetectionsEvent)->Arg(2)->Arg(10)->Arg(40);

// Appending one ~400-byte event to the write-ahead spool (plus the persisted seq).
void BM_SpoolAppend(benchmark::State& state) {
  char tmpl[] = "/tmp/retail-bench-spool-XXXXXX";
  const std::string dir = g_mkdtemp(tmpl);
  {
    retail::delivery::Spool s(dir, 64ULL << 20);
    const std::string v(400, 'x');
    uint64_t n = 0;
    for (auto _ : state) {
      const retail::delivery::Spool::SeqMark mark{"store/cam", s.next_seq("store/cam")};
      s.append("store/cam", v, &mark);
      if (++n % 100000 == 0) s.commit(s.end(), 100000);
    }
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpoolAppend);

}  // namespace

BENCHMARK_MAIN();

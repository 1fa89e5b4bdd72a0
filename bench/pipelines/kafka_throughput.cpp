// Messages per second into librdkafka's mock cluster (3 brokers, 8 partitions, 127.0.0.1), same
// payloads, same run: librdkafka's own producer (the baseline: idempotent, acks=all, like
// kafkasink), kcat, and a kafkasink pipeline end to end (metadata -> JSON -> spool -> Kafka,
// timed until EOS has flushed every delivery).
//   build-*/bench/bench_kafka_throughput [events=100000] [events-per-frame=10] [type=track_started]
#include <glib.h>
#include <gst/gst.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "delivery/producer.h"
#include "meta/retail_meta.h"
#include "plugin.h"
#include "schema/event_builder.h"

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string payload(uint64_t n) {
  retail::json::Writer w;
  w.field("track_id", n).field("class", "person");
  w.key("box")
      .begin_object()
      .field("x", 0.41)
      .field("y", 0.22)
      .field("w", 0.08)
      .field("h", 0.31)
      .end_object();
  return w.str();
}

struct Probe {
  int per_frame;
  std::string type;
  const std::vector<std::string>* payloads;  // built before timing: upstream cost is not counted
  uint64_t n = 0;
};

GstPadProbeReturn inject(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* p = static_cast<Probe*>(data);
  GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buf;
  retail::FrameAnalytics fa;
  fa.source.frame_index = p->n / static_cast<uint64_t>(p->per_frame);
  for (int i = 0; i < p->per_frame; ++i)
    fa.events.push_back({p->type, (*p->payloads)[p->n++ % p->payloads->size()]});
  retail::meta::write(buf, std::move(fa));
  return GST_PAD_PROBE_OK;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const int per_frame = argc > 2 ? std::atoi(argv[2]) : 10;
  // track_started (every event opens a track kafkasink must remember for a crash restart: the
  // worst case) or e.g. line_crossed (no per-track bookkeeping).
  const std::string type = argc > 3 ? argv[3] : "track_started";
  const uint64_t frames = n / static_cast<uint64_t>(per_frame);
  gst_init(&argc, &argv);
  retail_plugin_register_static();

  char err[512];
  rd_kafka_conf_t* mconf = rd_kafka_conf_new();
  rd_kafka_conf_set(mconf, "log_level", "0", err, sizeof err);
  rd_kafka_t* mrk = rd_kafka_new(RD_KAFKA_PRODUCER, mconf, err, sizeof err);
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(mrk, 3);
  const std::string brokers = rd_kafka_mock_cluster_bootstraps(mc);
  for (const char* t : {"bench-rdkafka", "bench-kcat", "bench-kafkasink"})
    rd_kafka_mock_topic_create(mc, t, 8, 1);

  // The same enveloped payloads kafkasink produces.
  std::vector<std::string> values;
  values.reserve(n);
  {
    uint64_t seq = 0;
    retail::schema::EventBuilder b({"store-1", "cam-1"}, "bench",
                                   [&](const std::string&, const std::string&) { return seq++; });
    for (uint64_t i = 0; i < n; ++i) {
      retail::FrameAnalytics fa;
      fa.events.push_back({type, payload(i)});
      values.push_back(b.build(fa, g_get_real_time())[0].value);
    }
  }
  const std::string key = "store-1/cam-1";
  size_t bytes = 0;
  for (const auto& v : values) bytes += v.size();
  std::printf("events: %llu (%.0f bytes each), mock cluster %s\n",
              static_cast<unsigned long long>(n),
              static_cast<double>(bytes) / static_cast<double>(n), brokers.c_str());

  // 1. librdkafka's own producer, same settings as kafkasink's defaults.
  double t_rd = 0;
  {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [k, v] : retail::delivery::kafka_defaults())
      rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    const double t0 = now_s();
    for (const auto& v : values) {
      while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("bench-rdkafka"),
                               RD_KAFKA_V_KEY(key.data(), key.size()),
                               RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) != 0)
        rd_kafka_poll(rk, 1);
      rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 120000);
    t_rd = now_s() - t0;
    rd_kafka_destroy(rk);
  }

  // 2. kcat (Debian) reading the same payloads from a file.
  double t_kcat = -1;
  char tmpl[] = "/tmp/retail-bench-kafka-XXXXXX";
  const std::string dir = g_mkdtemp(tmpl);
  {
    const std::string file = dir + "/payloads.jsonl";
    std::ofstream out(file);
    for (const auto& v : values) out << v << "\n";
    out.close();
    const std::string cmd = "kcat -P -b " + brokers + " -t bench-kcat -k " + key +
                            " -X enable.idempotence=true -X acks=all -X linger.ms=5 -l " + file +
                            " 2>/dev/null";
    const double t0 = now_s();
    if (std::system(cmd.c_str()) == 0) t_kcat = now_s() - t0;
  }

  // 3. kafkasink, end to end.
  double t_sink = 0;
  guint64 delivered = 0;
  {
    const std::string desc = "videotestsrc num-buffers=" + std::to_string(frames) +
                             " pattern=black ! video/x-raw,width=64,height=48,framerate=1000/1 ! "
                             "kafkasink name=s brokers=" +
                             brokers +
                             " topic=bench-kafkasink store-id=store-1 camera-id=cam-1 "
                             "stats-interval-ms=0 flush-timeout-ms=120000 spool-dir=" +
                             dir + "/spool";
    GstElement* p = gst_parse_launch(desc.c_str(), nullptr);
    GstElement* s = gst_bin_get_by_name(GST_BIN(p), "s");
    GstPad* pad = gst_element_get_static_pad(s, "sink");
    std::vector<std::string> payloads;
    for (uint64_t i = 0; i < n; ++i) payloads.push_back(payload(i));
    Probe probe{per_frame, type, &payloads};
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, inject, &probe, nullptr);
    gst_object_unref(pad);
    const double t0 = now_s();
    gst_element_set_state(p, GST_STATE_PLAYING);
    GstBus* bus = gst_element_get_bus(p);
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus, 600 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    t_sink = now_s() - t0;
    if (m != nullptr) gst_message_unref(m);
    gst_element_set_state(p, GST_STATE_NULL);
    g_object_get(s, "delivered", &delivered, nullptr);
    gst_object_unref(bus);
    gst_object_unref(s);
    gst_object_unref(p);
  }
  std::filesystem::remove_all(dir);

  const double rd = static_cast<double>(n) / t_rd;
  std::printf("%-34s %10s %12s %8s\n", "producer", "seconds", "msgs/s", "ratio");
  std::printf("%-34s %10.3f %12.0f %8.2f\n", "librdkafka producer (baseline)", t_rd, rd, 1.0);
  if (t_kcat > 0)
    std::printf("%-34s %10.3f %12.0f %8.2f\n", "kcat -P", t_kcat, static_cast<double>(n) / t_kcat,
                static_cast<double>(n) / t_kcat / rd);
  std::printf("%-34s %10.3f %12.0f %8.2f   (delivered %llu)\n", "kafkasink pipeline (end to end)",
              t_sink, static_cast<double>(n) / t_sink, static_cast<double>(n) / t_sink / rd,
              static_cast<unsigned long long>(delivered));
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(mrk);
  return delivered == n ? 0 : 1;
}

// Helpers shared by the kafkasink element and integration tests: event injection into a
// pipeline (a pad probe writing FrameAnalytics through retail::meta), a librdkafka mock cluster,
// a real consumer (assign(), no group), and the ajv validator.
#pragma once

#include <glib.h>
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "meta/retail_meta.h"
#include "support/test_support.h"

namespace retail::test::kafka {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/retail-kafka-XXXXXX";
    path = g_mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Writes `events_per_frame` events (types cycling through the contract) plus one person and
// one face with a liveness attribute into every buffer reaching the sink pad of `sink_name`.
struct Injector {
  int events_per_frame = 4;
  uint64_t n_base = 0;  // added to the injection numbers (several sinks in one test)
  std::atomic<uint64_t> frames{0};
  std::atomic<uint64_t> events{0};
  bool malformed_every_10th = false;

  // Every payload carries "n", the injection number (an additive field the schema allows), so a
  // test can compare what was injected with what arrived, event by event.
  static std::string payload(int kind, uint64_t i) {
    retail::json::Writer w;
    w.field("n", i);
    switch (kind % 5) {
      case 0:
        w.field("track_id", i).field("class", "person");
        w.key("box")
            .begin_object()
            .field("x", 0.1)
            .field("y", 0.2)
            .field("w", 0.3)
            .field("h", 0.4)
            .end_object();
        return w.str();
      case 1:
        return w.field("track_id", i)
            .field("class", "face")
            .field("duration_ms", 1200)
            .field("frames", 30)
            .str();
      case 2:
        return w.field("zone_id", "checkout-1").field("track_id", i).field("dwell_ms", 4000).str();
      case 3:
        return w.field("count", 3).field("in", static_cast<int64_t>(i)).field("out", 2).str();
      default:
        return w.field("line_id", "door")
            .field("track_id", i)
            .field("direction", "in")
            .field("total_in", static_cast<int64_t>(i))
            .field("total_out", 0)
            .str();
    }
  }
  static const char* type_of(int kind) {
    static const char* types[] = {"track_started", "track_ended", "dwell", "occupancy",
                                  "line_crossed"};
    return types[kind % 5];
  }

  void attach(GstElement* pipeline, const char* sink_name) {
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), sink_name);
    ASSERT_NE(sink, nullptr);
    GstPad* pad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &Injector::probe, this, nullptr);
    gst_object_unref(pad);
    gst_object_unref(sink);
  }

  static GstPadProbeReturn probe(GstPad*, GstPadProbeInfo* info, gpointer data) {
    auto* self = static_cast<Injector*>(data);
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    retail::FrameAnalytics fa = retail::meta::copy_or_new(buf);
    const uint64_t f = self->frames++;
    fa.source.frame_index = f;
    fa.source.capture_time_us = g_get_real_time();
    fa.source.pts_ns =
        GST_BUFFER_PTS_IS_VALID(buf) ? static_cast<int64_t>(GST_BUFFER_PTS(buf)) : -1;
    retail::Object person;
    person.id = 1;
    person.cls = retail::ObjectClass::kPerson;
    person.confidence = 0.9F;
    person.box = {0.2F, 0.1F, 0.3F, 0.8F};
    person.track_id = f % 7 + 1;
    retail::Object face;
    face.id = 2;
    face.cls = retail::ObjectClass::kFace;
    face.confidence = 0.8F;
    face.box = {0.3F, 0.12F, 0.06F, 0.1F};
    face.parent_id = 1;
    face.track_id = f % 5 + 100;
    face.landmarks = {
        {0.31F, 0.14F}, {0.34F, 0.14F}, {0.33F, 0.16F}, {0.31F, 0.19F}, {0.34F, 0.19F}};
    fa.objects = {person, face};
    fa.set_attribute({2, "liveness", "live", 0.95F, 0.0});
    fa.set_attribute({2, "gender", "female", 0.8F, 0.0});
    for (int k = 0; k < self->events_per_frame; ++k) {
      const uint64_t n = self->events++;
      fa.events.push_back(
          {type_of(static_cast<int>(n)), payload(static_cast<int>(n), self->n_base + n)});
    }
    if (self->malformed_every_10th && f % 10 == 9) fa.events.push_back({"dwell", "not json"});
    retail::meta::write(buf, std::move(fa));
    return GST_PAD_PROBE_OK;
  }
};

// Keeps a reference to a named element of a pipeline so its properties (counters) can be read
// after the pipeline is gone.
inline GstElement* keep(GstElement* pipeline, const char* name) {
  return gst_bin_get_by_name(GST_BIN(pipeline), name);
}
inline guint64 counter(GstElement* e, const char* name) {
  guint64 v = 0;
  g_object_get(e, name, &v, nullptr);
  return v;
}

// A real image, frozen into `frames` small frames, throttled by `sleep_us` per frame.
inline std::string image_source(int frames, int sleep_us = 0) {
  std::string s = "filesrc location=\"" + media("photos/messi5.jpg") +
                  "\" ! jpegdec ! videoconvert ! videoscale ! "
                  "video/x-raw,format=I420,width=64,height=48 ! imagefreeze num-buffers=" +
                  std::to_string(frames);
  if (sleep_us > 0) s += " ! identity sleep-time=" + std::to_string(sleep_us);
  return s;
}

inline std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

// Runs the ajv validator on a JSON-lines file: "" when every event is valid, else the report.
inline std::string validate_jsonl(const std::string& path) {
  const std::string cmd = "node \"" + source_path("tests/integration/validate-events.js") +
                          "\" \"" + source_path("configs/schema/retail-event.v1.schema.json") +
                          "\" \"" + path + "\" 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "cannot run node";
  char buf[4096];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int rc = pclose(p);
  return rc == 0 ? std::string() : "validator failed (rc " + std::to_string(rc) + "): " + out;
}

struct Event {
  uint64_t n = 0;  // injection number (payload.n)
  std::string key;
  std::string value;
  std::string event_id;
  std::string camera;
  uint64_t seq = 0;
  int32_t partition = -1;
  int64_t offset = -1;
};

inline Event parse_event(const std::string& key, const std::string& value, int32_t partition = -1) {
  Event e;
  e.key = key;
  e.value = value;
  e.partition = partition;
  auto n = retail::json::parse(value, "event");
  JsonObject* o = json_node_get_object(n.get());
  e.event_id = json_object_get_string_member(o, "event_id");
  e.camera = std::string(json_object_get_string_member(o, "store_id")) + "/" +
             json_object_get_string_member(o, "camera_id");
  e.seq = static_cast<uint64_t>(json_object_get_int_member(o, "seq"));
  JsonObject* p = json_object_get_object_member(o, "payload");
  if (p != nullptr && json_object_has_member(p, "n"))
    e.n = static_cast<uint64_t>(json_object_get_int_member(p, "n"));
  return e;
}

// librdkafka's mock cluster: the Kafka protocol over TCP on 127.0.0.1.
struct MockCluster {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mc = nullptr;
  std::string bootstraps;
  MockCluster(int brokers, const std::string& topic, int partitions) {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    mc = rd_kafka_mock_cluster_new(rk, brokers);
    bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
    rd_kafka_mock_topic_create(mc, topic.c_str(), partitions, 1);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
  }
  void set_all(bool up, int brokers) {
    for (int b = 1; b <= brokers; ++b) {
      if (up)
        rd_kafka_mock_broker_set_up(mc, b);
      else
        rd_kafka_mock_broker_set_down(mc, b);
    }
  }
};

// Reads every partition of `topic` from the beginning with assign() until `expected` messages
// arrived and nothing more comes for `settle_ms`, or `timeout_s` passed.
inline std::vector<Event> consume_all(
    const std::string& brokers, const std::string& topic, int partitions, size_t expected,
    int timeout_s, const std::vector<std::pair<std::string, std::string>>& extra = {},
    int settle_ms = 1000) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "retail-test-reader", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.partition.eof", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  for (const auto& [k, v] : extra) rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  EXPECT_NE(rk, nullptr) << err;
  if (rk == nullptr) return {};
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<Event> out;
  const gint64 deadline = g_get_monotonic_time() + static_cast<gint64>(timeout_s) * G_USEC_PER_SEC;
  gint64 last_msg = g_get_monotonic_time();
  while (g_get_monotonic_time() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) {
      if (out.size() >= expected && g_get_monotonic_time() - last_msg > settle_ms * 1000) break;
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.push_back(parse_event(std::string(static_cast<const char*>(m->key), m->key_len),
                                std::string(static_cast<const char*>(m->payload), m->len),
                                m->partition));
      out.back().offset = m->offset;
      last_msg = g_get_monotonic_time();
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

inline void write_jsonl(const std::vector<Event>& events, const std::string& path) {
  std::ofstream out(path);
  for (const auto& e : events) out << e.value << "\n";
}

// Checks at-least-once + order: per camera, the first arrival of each seq is in increasing order
// (within a partition, i.e. the consumed order), and the seqs form 0..n-1 (or `first`..).
// Returns the number of duplicates (same seq seen again; they must carry the same event_id).
inline size_t check_per_camera(const std::vector<Event>& events, size_t expected_total,
                               uint64_t first_seq = 0) {
  std::map<std::string, std::vector<const Event*>> by_camera;
  for (const auto& e : events) by_camera[e.camera].push_back(&e);
  size_t unique = 0, dups = 0;
  for (const auto& [camera, evs] : by_camera) {
    std::map<uint64_t, std::string> ids;
    int64_t last_new = static_cast<int64_t>(first_seq) - 1;
    for (const Event* e : evs) {
      auto it = ids.find(e->seq);
      if (it != ids.end()) {
        EXPECT_EQ(it->second, e->event_id)
            << camera << " seq " << e->seq << " re-sent with another event_id";
        ++dups;
        continue;
      }
      EXPECT_EQ(static_cast<int64_t>(e->seq), last_new + 1)
          << camera << ": seq out of order or gap";
      last_new = static_cast<int64_t>(e->seq);
      ids[e->seq] = e->event_id;
    }
    unique += ids.size();
  }
  EXPECT_EQ(unique, expected_total);
  return dups;
}

// End to end: every injected event (payload.n in `expected_n`) arrived, each with exactly one
// event_id (a duplicate repeats it), and nothing else arrived. Returns the number of duplicates.
inline size_t compare_end_to_end(const std::vector<Event>& events,
                                 const std::set<uint64_t>& expected_n) {
  std::map<uint64_t, std::string> id_of;
  std::set<std::string> ids;
  size_t dups = 0;
  for (const auto& e : events) {
    auto it = id_of.find(e.n);
    if (it != id_of.end()) {
      EXPECT_EQ(it->second, e.event_id)
          << "event " << e.n << " arrived twice with different event_ids";
      ++dups;
      continue;
    }
    id_of[e.n] = e.event_id;
    EXPECT_TRUE(ids.insert(e.event_id).second) << "event_id reused by another event";
    EXPECT_TRUE(expected_n.count(e.n)) << "unexpected event " << e.n;
  }
  EXPECT_EQ(id_of.size(), expected_n.size()) << "events lost";
  return dups;
}

inline std::set<uint64_t> range_set(uint64_t from, uint64_t to) {
  std::set<uint64_t> s;
  for (uint64_t i = from; i < to; ++i) s.insert(i);
  return s;
}

}  // namespace retail::test::kafka

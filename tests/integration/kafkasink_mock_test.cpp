// kafkasink against librdkafka's mock cluster (the Kafka protocol over TCP on 127.0.0.1, with
// fault injection): exactly-once happy path, broker down/up, EOS with the broker down + restart,
// spool-full policies. Read back with a real consumer (assign(), no group).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "integration/kafka_support.h"
#include "support/test_support.h"

namespace {

using namespace retail::test;
using namespace retail::test::kafka;

constexpr int kBrokers = 3;
constexpr int kPartitions = 8;
const char* kTopic = "edge-telemetry";

std::string sink(const std::string& name, const MockCluster& mc, const std::string& camera,
                 const std::string& spool, const std::string& extra = "") {
  return "kafkasink name=" + name + " brokers=" + mc.bootstraps +
         " store-id=store-1 camera-id=" + camera + " spool-dir=" + spool +
         " stats-interval-ms=1000 " + extra;
}

TEST(KafkaSinkMock, TenThousandEventsArriveExactlyOnceValidAndInOrderPerCamera) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  MockCluster mc(kBrokers, kTopic, kPartitions);
  const int frames = 2500;  // x 2 events x 2 cameras = 10,000 events
  const std::string desc = image_source(frames) + " ! tee name=t t. ! queue ! " +
                           sink("a", mc, "cam-a", d.path + "/a") + " t. ! queue ! " +
                           sink("b", mc, "cam-b", d.path + "/b");
  Injector ia, ib;
  ia.events_per_frame = ib.events_per_frame = 2;
  ib.n_base = 1000000;
  GstElement *a = nullptr, *b = nullptr;
  auto r = run_pipeline(desc, 240, [&](GstElement* p) {
    ia.attach(p, "a");
    ib.attach(p, "b");
    a = keep(p, "a");
    b = keep(p, "b");
  });
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  ASSERT_EQ(ia.events + ib.events, 10000U);
  for (GstElement* e : {a, b}) {
    EXPECT_EQ(counter(e, "delivered"), 5000U);
    EXPECT_EQ(counter(e, "resent"), 0U);
    EXPECT_EQ(counter(e, "dropped-by-policy"), 0U);
    EXPECT_EQ(counter(e, "spool-bytes"), 0U);
    gst_object_unref(e);
  }
  const auto events = consume_all(mc.bootstraps, kTopic, kPartitions, 10000, 120);
  ASSERT_EQ(events.size(), 10000U);  // exactly once: no loss, no duplicate
  EXPECT_EQ(check_per_camera(events, 10000), 0U);
  std::set<uint64_t> expected = range_set(0, 5000);
  for (uint64_t n = 1000000; n < 1005000; ++n) expected.insert(n);
  EXPECT_EQ(compare_end_to_end(events, expected), 0U);
  // One camera, one key, one partition.
  std::map<std::string, std::set<int32_t>> parts;
  for (const auto& e : events) parts[e.key].insert(e.partition);
  ASSERT_EQ(parts.size(), 2U);
  EXPECT_EQ(parts["store-1/cam-a"].size(), 1U);
  EXPECT_EQ(parts["store-1/cam-b"].size(), 1U);
  write_jsonl(events, d.path + "/consumed.jsonl");
  EXPECT_EQ(validate_jsonl(d.path + "/consumed.jsonl"), "");
}

TEST(KafkaSinkMock, BrokersDownForPartOfTheRunLoseNothing) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  MockCluster mc(kBrokers, kTopic, kPartitions);
  Injector inj;
  inj.events_per_frame = 2;
  const int frames = 1500;  // ~3 s at 2 ms per frame
  GstElement* s = nullptr;
  std::thread outage;
  auto r = run_pipeline(image_source(frames, 2000) + " ! " +
                            sink("s", mc, "cam-1", d.path + "/s", "flush-timeout-ms=30000"),
                        240, [&](GstElement* p) {
                          inj.attach(p, "s");
                          s = keep(p, "s");
                          outage = std::thread([&mc] {
                            std::this_thread::sleep_for(std::chrono::milliseconds(700));
                            mc.set_all(false, kBrokers);
                            std::this_thread::sleep_for(std::chrono::milliseconds(2000));
                            mc.set_all(true, kBrokers);
                          });
                        });
  outage.join();
  EXPECT_EQ(r.error, "");
  const uint64_t total = inj.events;
  ASSERT_EQ(total, 3000U);
  EXPECT_GT(counter(s, "spooled"), 0U) << "the outage did not reach the sink";
  EXPECT_GT(counter(s, "replayed"), 0U);
  EXPECT_EQ(counter(s, "spool-bytes"), 0U);
  EXPECT_EQ(counter(s, "dropped-by-policy"), 0U);
  const uint64_t resent = counter(s, "resent");
  gst_object_unref(s);
  const auto events = consume_all(mc.bootstraps, kTopic, kPartitions, total, 120);
  const size_t dups = check_per_camera(events, total);
  EXPECT_EQ(compare_end_to_end(events, range_set(0, total)), dups);
  // Exact: librdkafka's retries of lost requests are read back for copies (kafka_producer.cpp).
  EXPECT_EQ(dups, resent) << "every duplicate is counted, and only duplicates";
  std::printf("brokers down 2 s: %zu duplicates, %llu counted re-sends\n", dups,
              static_cast<unsigned long long>(resent));
  write_jsonl(events, d.path + "/consumed.jsonl");
  EXPECT_EQ(validate_jsonl(d.path + "/consumed.jsonl"), "");
}

TEST(KafkaSinkMock, EosWithTheBrokerDownLeavesEventsInTheSpoolForTheNextRun) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  MockCluster mc(kBrokers, kTopic, kPartitions);
  mc.set_all(false, kBrokers);
  Injector first;
  GstElement* s = nullptr;
  auto r1 = run_pipeline(
      image_source(100) + " ! " + sink("s", mc, "cam-1", d.path + "/s", "flush-timeout-ms=500"),
      120, [&](GstElement* p) {
        first.attach(p, "s");
        s = keep(p, "s");
      });
  EXPECT_EQ(r1.error, "");  // an unreachable broker is never an error
  ASSERT_FALSE(r1.warnings.empty());
  EXPECT_EQ(counter(s, "delivered"), 0U);
  EXPECT_EQ(counter(s, "spool-bytes") > 0, true);
  gst_object_unref(s);

  mc.set_all(true, kBrokers);  // the next run, same spool
  Injector second;
  second.n_base = first.events;
  auto r2 = run_pipeline(image_source(50) + " ! " + sink("s", mc, "cam-1", d.path + "/s"), 120,
                         [&](GstElement* p) {
                           second.attach(p, "s");
                           s = keep(p, "s");
                         });
  EXPECT_EQ(r2.error, "");
  EXPECT_GE(counter(s, "replayed"), first.events.load());
  EXPECT_EQ(counter(s, "spool-bytes"), 0U);
  gst_object_unref(s);
  const uint64_t total = first.events + second.events;
  const auto events = consume_all(mc.bootstraps, kTopic, kPartitions, total, 120);
  const size_t dups = check_per_camera(events, total);  // seq continues across the restart
  EXPECT_EQ(compare_end_to_end(events, range_set(0, total)), dups);
}

// The broker writes a batch but its answer comes too late: librdkafka retries the request and
// the log holds the batch twice (three times for the request lost twice). kafkasink reads the
// log back where the retried messages landed and counts each copy: resent = duplicates, exactly.
TEST(KafkaSinkMock, LostAnswersAreReadBackAndEveryCopyIsCounted) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  MockCluster mc(1, kTopic, kPartitions);
  Injector inj;
  inj.events_per_frame = 2;
  GstElement* s = nullptr;
  std::thread lose;
  auto r = run_pipeline(image_source(600, 2000) + " ! " +
                            sink("s", mc, "cam-1", d.path + "/s",
                                 "flush-timeout-ms=60000 kafka-config=\"enable.idempotence=false;"
                                 "request.timeout.ms=300;socket.timeout.ms=400\""),
                        240, [&](GstElement* p) {
                          inj.attach(p, "s");
                          s = keep(p, "s");
                          lose = std::thread([&mc] {
                            // Once some events are acknowledged (so there is an offset to compare
                            // with), the next two Produce answers take 1.5 s: past the 400 ms
                            // request timeout.
                            std::this_thread::sleep_for(std::chrono::milliseconds(400));
                            rd_kafka_mock_broker_push_request_error_rtts(
                                mc.mc, 1, 0 /* Produce */, 2, RD_KAFKA_RESP_ERR_NO_ERROR, 1500,
                                RD_KAFKA_RESP_ERR_NO_ERROR, 1500);
                          });
                        });
  lose.join();
  EXPECT_EQ(r.error, "");
  const uint64_t total = inj.events;
  ASSERT_EQ(total, 1200U);
  EXPECT_EQ(counter(s, "spool-bytes"), 0U);
  const uint64_t resent = counter(s, "resent");
  gst_object_unref(s);
  const auto events = consume_all(mc.bootstraps, kTopic, kPartitions, total, 60);
  const size_t dups = check_per_camera(events, total);
  EXPECT_EQ(compare_end_to_end(events, range_set(0, total)), dups);
  EXPECT_GT(dups, 0U) << "the late answers did not make librdkafka write a batch twice";
  EXPECT_EQ(dups, resent) << "every copy is counted, and only copies";
  std::printf("two lost Produce answers: %zu duplicates, %llu counted re-sends\n", dups,
              static_cast<unsigned long long>(resent));
}

TEST(KafkaSinkMock, TransientProduceErrorsAreRetriedWithoutLossOrDuplicates) {
  RETAIL_REQUIRE_SHARED();
  TempDir d;
  MockCluster mc(kBrokers, kTopic, kPartitions);
  // The next Produce requests fail with retriable errors (librdkafka's fault injection).
  rd_kafka_mock_push_request_errors(
      mc.mc, 0 /* Produce */, 6, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  Injector inj;
  auto r = run_pipeline(image_source(250) + " ! " + sink("s", mc, "cam-1", d.path + "/s"), 120,
                        [&](GstElement* p) { inj.attach(p, "s"); });
  EXPECT_EQ(r.error, "");
  const uint64_t total = inj.events;
  const auto events = consume_all(mc.bootstraps, kTopic, kPartitions, total, 60);
  EXPECT_EQ(events.size(), total);  // the idempotent producer retried without duplicating
  EXPECT_EQ(check_per_camera(events, total), 0U);
  EXPECT_EQ(compare_end_to_end(events, range_set(0, total)), 0U);
}

class KafkaSinkMockSpoolFull : public ::testing::TestWithParam<const char*> {};

TEST_P(KafkaSinkMockSpoolFull, PolicyIsAppliedAndCountedAndNothingElseIsLost) {
  RETAIL_REQUIRE_SHARED();
  const std::string policy = GetParam();
  TempDir d;
  MockCluster mc(kBrokers, kTopic, kPartitions);
  mc.set_all(false, kBrokers);
  Injector first;
  first.events_per_frame = 10;
  GstElement* s = nullptr;
  const std::string props = "flush-timeout-ms=300 spool-max-bytes=65536 on-spool-full=" + policy;
  auto r1 = run_pipeline(image_source(200) + " ! " + sink("s", mc, "cam-1", d.path + "/s", props),
                         120, [&](GstElement* p) {
                           first.attach(p, "s");
                           s = keep(p, "s");
                         });
  EXPECT_EQ(r1.error, "");
  const uint64_t dropped = counter(s, "dropped-by-policy");
  EXPECT_GT(dropped, 0U);
  EXPECT_LE(counter(s, "spool-bytes"), 65536U);
  gst_object_unref(s);
  const uint64_t kept = first.events - dropped;

  mc.set_all(true, kBrokers);
  auto r2 = run_pipeline(image_source(1) + " ! " + sink("s", mc, "cam-1", d.path + "/s"), 120);
  EXPECT_EQ(r2.error, "");
  const auto events = consume_all(mc.bootstraps, kTopic, kPartitions, kept, 60);
  // Kept events are exactly the oldest (drop-newest) or the newest (drop-oldest) ones.
  const std::set<uint64_t> expected =
      policy == "drop-newest" ? range_set(0, kept) : range_set(dropped, first.events);
  EXPECT_EQ(compare_end_to_end(events, expected), 0U);
  // The drop leaves one gap in seq, where the dropped events were: visible downstream.
  std::set<uint64_t> seqs;
  for (const auto& e : events) seqs.insert(e.seq);
  ASSERT_EQ(seqs.size(), kept);
  if (policy == "drop-newest") {
    EXPECT_EQ(*seqs.rbegin(), kept - 1);
  } else {
    EXPECT_EQ(*seqs.begin(), dropped);
  }
}

INSTANTIATE_TEST_SUITE_P(Policies, KafkaSinkMockSpoolFull,
                         ::testing::Values("drop-oldest", "drop-newest"));

}  // namespace

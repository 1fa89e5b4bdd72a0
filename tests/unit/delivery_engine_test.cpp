// The delivery engine with an injected producer (core/delivery): order, failures, restart, spool
// bounds. The real-protocol runs are in tests/integration.
#include <glib.h>
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "common/error.h"
#include "delivery/delivery.h"

namespace {

using namespace retail::delivery;

// A broker the test controls. "up": acks everything; "down": fails everything; "ack_lost":
// stores the message but reports a failure (what a timeout after a successful write looks like).
struct FakeBroker {
  std::mutex mu;
  enum Mode { kUp, kDown, kAckLost } mode = kUp;
  std::vector<std::string> log;  // what the broker stored, in order
  void set(Mode m) {
    std::lock_guard<std::mutex> lk(mu);
    mode = m;
  }
  std::vector<std::string> stored() {
    std::lock_guard<std::mutex> lk(mu);
    return log;
  }
};

class FakeProducer : public Producer {
 public:
  explicit FakeProducer(FakeBroker* b) : b_(b) {}
  Result produce(const std::string&, const std::string& value, uint64_t tag,
                 std::string*) override {
    if (queue_.size() >= 50) return Result::kQueueFull;
    queue_.push_back({tag, value, false});
    return Result::kQueued;
  }
  void poll(int timeout_ms, const OnReport& on_report) override {
    std::vector<DeliveryReport> out;
    {
      std::lock_guard<std::mutex> lk(b_->mu);
      while (!queue_.empty()) {
        Item it = queue_.front();
        queue_.pop_front();
        DeliveryReport r;
        r.tag = it.tag;
        if (it.purged || b_->mode == FakeBroker::kDown) {
          r.error = it.purged ? "purged" : "broker down";
          r.possibly_written = report_unknown_status_;  // false: the broker never saw it
        } else {
          b_->log.push_back(it.value);
          r.ok = b_->mode == FakeBroker::kUp;
          if (!r.ok) r.error = "ack lost";
        }
        out.push_back(r);
      }
    }
    for (const auto& r : out) on_report(r);
    if (out.empty() && timeout_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void purge() override {
    for (auto& i : queue_) i.purged = true;
  }
  size_t outstanding() const override { return queue_.size(); }
  bool down() const override {
    std::lock_guard<std::mutex> lk(b_->mu);
    return b_->mode == FakeBroker::kDown;
  }
  bool probe(int, std::string*) override { return !down(); }
  // A transport that cannot tell whether a failed message reached the broker.
  void report_unknown_status() { report_unknown_status_ = true; }

 private:
  bool report_unknown_status_ = false;
  struct Item {
    uint64_t tag;
    std::string value;
    bool purged;
  };
  FakeBroker* b_;
  std::deque<Item> queue_;
};

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/retail-delivery-XXXXXX";
    path = g_mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

Config test_config() {
  Config c;
  c.max_in_flight = 100;
  c.stats_interval_ms = 0;
  return c;
}

std::unique_ptr<Delivery> open(FakeBroker* b, const std::string& dir, Config c = test_config()) {
  return std::make_unique<Delivery>(
      c, [b] { return std::make_unique<FakeProducer>(b); }, dir);
}

std::string msg(int i) { return "event-" + std::to_string(i); }

// Every message 0..n-1 arrived, and the first arrival of each is in order.
void expect_complete_in_order(const std::vector<std::string>& stored, int n) {
  std::set<std::string> seen;
  int next = 0;
  for (const auto& v : stored) {
    if (seen.count(v)) continue;  // a duplicate (same content, same event)
    seen.insert(v);
    ASSERT_EQ(v, msg(next)) << "out of order";
    ++next;
  }
  EXPECT_EQ(next, n);
}

TEST(DeliveryEngine, EverythingIsDeliveredOnceInOrder) {
  FakeBroker b;
  TempDir d;
  auto del = open(&b, d.path);
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(del->submit("k", msg(i)));
  EXPECT_EQ(del->flush(10000), 0U);
  const Counters c = del->counters();
  EXPECT_EQ(c.delivered, 2000U);
  EXPECT_EQ(c.produced, 2000U);
  EXPECT_EQ(c.resent, 0U);
  EXPECT_EQ(c.broker_state, BrokerState::kUp);
  EXPECT_EQ(b.stored().size(), 2000U);
  expect_complete_in_order(b.stored(), 2000);
}

TEST(DeliveryEngine, BrokerDownThenUpDeliversEverythingInOrder) {
  FakeBroker b;
  TempDir d;
  auto del = open(&b, d.path);
  for (int i = 0; i < 300; ++i) del->submit("k", msg(i));
  del->flush(5000);
  b.set(FakeBroker::kDown);
  del->submit("k", msg(300));
  // Wait until the engine has seen the failure; what comes next is spooled.
  for (int i = 0; i < 500 && del->counters().broker_state != BrokerState::kDown; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (int i = 301; i < 1300; ++i) del->submit("k", msg(i));
  EXPECT_GT(del->counters().spool_records, 0U);
  EXPECT_EQ(del->counters().broker_state, BrokerState::kDown);
  b.set(FakeBroker::kUp);
  EXPECT_EQ(del->flush(20000), 0U);
  const Counters c = del->counters();
  EXPECT_GT(c.failures, 0U);
  EXPECT_GT(c.spooled, 0U);
  EXPECT_GT(c.replayed, 0U);
  EXPECT_EQ(c.broker_state, BrokerState::kUp);
  expect_complete_in_order(b.stored(), 1300);
  EXPECT_EQ(b.stored().size(), 1300U);  // the broker refused everything while down: no duplicates
  // ... and the transport said so for every failed message: nothing is counted as a duplicate.
  EXPECT_EQ(c.resent, 0U);
}

TEST(DeliveryEngine, FailuresOfUnknownOutcomeCountTheirResends) {
  // The same outage through a transport that cannot say whether a failed message was written
  // (a request lost in flight): every re-send is then a possible duplicate, counted.
  FakeBroker b;
  TempDir d;
  auto del = std::make_unique<Delivery>(
      test_config(),
      [&b] {
        auto p = std::make_unique<FakeProducer>(&b);
        p->report_unknown_status();
        return p;
      },
      d.path);
  b.set(FakeBroker::kDown);
  for (int i = 0; i < 100; ++i) del->submit("k", msg(i));
  for (int i = 0; i < 500 && del->counters().failures == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GT(del->counters().failures, 0U);
  b.set(FakeBroker::kUp);
  EXPECT_EQ(del->flush(20000), 0U);
  expect_complete_in_order(b.stored(), 100);
  EXPECT_EQ(b.stored().size(), 100U);
  EXPECT_GT(del->counters().resent, 0U);
}

TEST(DeliveryEngine, LostAcksAreResentAndCounted) {
  FakeBroker b;
  TempDir d;
  auto del = open(&b, d.path);
  b.set(FakeBroker::kAckLost);
  for (int i = 0; i < 200; ++i) del->submit("k", msg(i));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  b.set(FakeBroker::kUp);
  EXPECT_EQ(del->flush(20000), 0U);
  const auto stored = b.stored();
  expect_complete_in_order(stored, 200);
  const Counters c = del->counters();
  EXPECT_GT(stored.size(), 200U);            // duplicates exist ...
  EXPECT_GE(c.resent, stored.size() - 200);  // ... and every one of them was counted as a re-send
}

TEST(DeliveryEngine, UndeliveredEventsSurviveARestart) {
  FakeBroker b;
  TempDir d;
  b.set(FakeBroker::kDown);
  {
    auto del = open(&b, d.path);
    for (int i = 0; i < 500; ++i) del->submit("k", msg(i));
    EXPECT_EQ(del->stop(300), 500U);  // flush times out: all 500 stay in the spool
  }
  EXPECT_TRUE(b.stored().empty());
  b.set(FakeBroker::kUp);
  auto del = open(&b, d.path);  // the next run
  for (int i = 500; i < 600; ++i) del->submit("k", msg(i));
  EXPECT_EQ(del->flush(20000), 0U);
  expect_complete_in_order(b.stored(), 600);
  EXPECT_GE(del->counters().replayed, 500U);
}

TEST(DeliveryEngine, DropNewestKeepsTheOldestAndCounts) {
  FakeBroker b;
  TempDir d;
  b.set(FakeBroker::kDown);
  Config c = test_config();
  c.spool_max_bytes = 64 * 1024;
  c.on_spool_full = SpoolFullPolicy::kDropNewest;
  auto del = open(&b, d.path, c);
  const std::string pad(500, 'x');
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) accepted += del->submit("k", msg(i) + pad) ? 1 : 0;
  const Counters before = del->counters();
  EXPECT_EQ(before.dropped, static_cast<uint64_t>(1000 - accepted));
  EXPECT_GT(before.dropped, 800U);
  EXPECT_LE(before.spool_bytes, c.spool_max_bytes);
  b.set(FakeBroker::kUp);
  EXPECT_EQ(del->flush(20000), 0U);
  const auto stored = b.stored();
  std::set<std::string> got(stored.begin(), stored.end());
  EXPECT_EQ(got.size(), static_cast<size_t>(accepted));
  for (int i = 0; i < accepted; ++i) EXPECT_TRUE(got.count(msg(i) + pad)) << i;
}

TEST(DeliveryEngine, DropOldestKeepsTheNewestAndCounts) {
  FakeBroker b;
  TempDir d;
  b.set(FakeBroker::kDown);
  Config c = test_config();
  c.spool_max_bytes = 64 * 1024;
  c.on_spool_full = SpoolFullPolicy::kDropOldest;
  auto del = open(&b, d.path, c);
  const std::string pad(500, 'x');
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(del->submit("k", msg(i) + pad));
  const Counters before = del->counters();
  EXPECT_GT(before.dropped, 800U);
  EXPECT_EQ(before.dropped + before.spool_records, 1000U);
  b.set(FakeBroker::kUp);
  EXPECT_EQ(del->flush(20000), 0U);
  const auto stored = b.stored();
  std::set<std::string> got(stored.begin(), stored.end());
  EXPECT_EQ(got.size(), 1000U - before.dropped);
  for (int i = static_cast<int>(before.dropped); i < 1000; ++i)
    EXPECT_TRUE(got.count(msg(i) + pad)) << i;
}

TEST(DeliveryEngine, BlockWaitsForRoomAndLosesNothing) {
  FakeBroker b;
  TempDir d;
  b.set(FakeBroker::kDown);
  Config c = test_config();
  c.spool_max_bytes = 64 * 1024;
  c.on_spool_full = SpoolFullPolicy::kBlock;
  auto del = open(&b, d.path, c);
  const std::string pad(500, 'x');
  std::thread up([&b] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    b.set(FakeBroker::kUp);
  });
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(del->submit("k", msg(i) + pad));
  up.join();
  EXPECT_EQ(del->flush(20000), 0U);
  const Counters cs = del->counters();
  EXPECT_GT(cs.blocked, 0U);
  EXPECT_EQ(cs.dropped, 0U);
  const auto stored = b.stored();
  std::set<std::string> got(stored.begin(), stored.end());
  EXPECT_EQ(got.size(), 1000U);
}

TEST(DeliveryEngine, PolicyNamesRoundTrip) {
  for (auto p :
       {SpoolFullPolicy::kDropOldest, SpoolFullPolicy::kDropNewest, SpoolFullPolicy::kBlock})
    EXPECT_EQ(parse_policy(to_string(p)), p);
  EXPECT_THROW(parse_policy("drop-random"), retail::Error);
}

TEST(DeliveryKafkaProducer, UnknownAndInvalidKeysAreRejectedByName) {
  KafkaSettings s;
  s.brokers = "127.0.0.1:1";
  s.overrides = {{"no.such.property", "1"}};
  try {
    make_kafka_producer(s);
    FAIL();
  } catch (const retail::Error& e) {
    EXPECT_EQ(e.kind(), retail::ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("no.such.property"), std::string::npos) << e.what();
  }
  s.overrides = {{"acks", "banana"}};
  try {
    make_kafka_producer(s);
    FAIL();
  } catch (const retail::Error& e) {
    EXPECT_NE(std::string(e.what()).find("acks"), std::string::npos) << e.what();
  }
  s.overrides = {{"enable.idempotence", "false"},
                 {"api.version.request", "false"},
                 {"broker.version.fallback", "0.9.0.1"}};
  EXPECT_NO_THROW(make_kafka_producer(s));  // the compatibility mode for brokers < 0.11
}

}  // namespace

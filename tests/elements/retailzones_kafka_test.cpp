// retailzones events reach kafkasink and validate against configs/schema/retail-event.v1 (ajv):
// the real chain retaildetect ! retailtrack ! retailzones on the first 300 PETS frames, published
// to librdkafka's mock cluster and read back with a real consumer.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "integration/kafka_support.h"
#include "support/test_support.h"

namespace {

using namespace retail::test;
using namespace retail::test::kafka;

const char* kTopic = "edge-telemetry";
const std::set<std::string> kZoneTypes{
    "line_crossed", "occupancy", "zone_entered", "zone_exited", "dwell", "queue_status", "heatmap"};

}  // namespace

TEST(RetailZonesKafka, EventsArriveAndMatchTheSchema) {
  RETAIL_REQUIRE_SHARED();
  if (system("node --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "node not installed";
  TempDir d;
  MockCluster mc(1, kTopic, 1);
  const std::string desc =
      "filesrc location=" + media("people/pets09_s2l1_768x576.avi") +
      " ! decodebin ! videoconvert ! video/x-raw,format=I420 ! identity eos-after=300 ! "
      "retaildetect face-backend=none person-model=person/yolo-fastest-1.1-body.cfg ! "
      "retailtrack ! retailzones name=z zones=" +
      source_path("tests/data/pets_zones.json") + " ! kafkasink name=k brokers=" + mc.bootstraps +
      " store-id=store-1 camera-id=pets spool-dir=" + d.path + "/spool";
  GstElement* z = nullptr;
  GstElement* k = nullptr;
  auto r = run_pipeline(desc, 200, [&](GstElement* p) {
    z = keep(p, "z");
    k = keep(p, "k");
  });
  ASSERT_EQ(r.error, "") << r.error_debug;
  const guint64 zone_events = counter(z, "events");
  const guint64 delivered = counter(k, "delivered");
  gst_object_unref(z);
  gst_object_unref(k);
  ASSERT_GT(zone_events, 10U);

  const auto events = consume_all(mc.bootstraps, kTopic, 1, delivered, 60);
  ASSERT_EQ(events.size(), delivered);
  std::map<std::string, int> by_type;
  for (const auto& e : events) {
    auto node = retail::json::parse(e.value, "event");
    by_type[json_object_get_string_member(json_node_get_object(node.get()), "type")]++;
  }
  guint64 zone_consumed = 0;
  for (const auto& t : kZoneTypes) {
    EXPECT_GT(by_type[t], 0) << "no " << t << " event arrived";
    zone_consumed += static_cast<guint64>(by_type[t]);
  }
  EXPECT_EQ(zone_consumed, zone_events);  // every event retailzones produced, nothing else
  write_jsonl(events, d.path + "/consumed.jsonl");
  EXPECT_EQ(validate_jsonl(d.path + "/consumed.jsonl"), "");
}

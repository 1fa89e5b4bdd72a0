// kafkasink's whole job, without GStreamer: frame analytics in, enveloped events out to Kafka
// (or a JSON-lines file), through the write-ahead spool. The element only converts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/analytics.h"
#include "delivery/delivery.h"
#include "schema/event_builder.h"

namespace retail::delivery {

// Checks that the brokers answer a metadata request within `timeout_ms`.
bool probe_brokers(const KafkaSettings& settings, int timeout_ms, std::string* reason);

struct SinkOptions {
  schema::Config events;
  Config delivery;
  int probe_timeout_ms = 1000;
};

class EventSink {
 public:
  // Validates the options (throws retail::Error naming the property and the fix), opens the
  // spool, creates the producer and probes the brokers. An unreachable broker is not an error:
  // broker_warning() says so and events are spooled until it answers.
  explicit EventSink(const SinkOptions& options, Delivery::OnStats on_stats = nullptr);
  ~EventSink();

  struct PushResult {
    size_t accepted = 0;
    size_t dropped = 0;                 // by the on-spool-full policy
    std::vector<std::string> rejected;  // malformed upstream events (not sent)
  };
  // Builds the frame's events and hands them to the spool. `now_us`: wall clock (µs since epoch).
  PushResult push(const FrameAnalytics& frame, int64_t now_us);

  uint64_t flush(int timeout_ms) { return delivery_->flush(timeout_ms); }
  uint64_t stop(int timeout_ms) { return delivery_->stop(timeout_ms); }
  void unblock(bool on);
  Counters counters() const { return delivery_->counters(); }
  const std::string& broker_warning() const { return broker_warning_; }
  const std::string& spool_dir() const { return delivery_->spool_dir(); }
  const std::string& pipeline_run_id() const { return builder_->pipeline_run_id(); }

 private:
  std::unique_ptr<Delivery> delivery_;
  std::unique_ptr<schema::EventBuilder> builder_;
  std::string broker_warning_;
};

}  // namespace retail::delivery

// What the delivery engine needs from a message transport, behind an interface so tests can
// inject failures (a fake producer) and the JSON-lines file output shares the same engine.
// Every call is made from the delivery engine's single sender thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "delivery/kafka_config.h"

namespace retail::delivery {

struct DeliveryReport {
  uint64_t tag = 0;  // what produce() was given
  bool ok = false;
  std::string error;  // when !ok
};

class Producer {
 public:
  enum class Result { kQueued, kQueueFull, kFailed };
  using OnReport = std::function<void(const DeliveryReport&)>;

  virtual ~Producer() = default;
  // Hands one message over without blocking on the network.
  virtual Result produce(const std::string& key, const std::string& value, uint64_t tag,
                         std::string* error) = 0;
  // Serves delivery reports, waiting up to `timeout_ms` for the first one.
  virtual void poll(int timeout_ms, const OnReport& on_report) = 0;
  // Fails everything queued or in flight now; their reports follow through poll().
  virtual void purge() = 0;
  // Messages handed over whose report has not been served yet.
  virtual size_t outstanding() const = 0;
  // True while the transport knows it cannot reach any broker.
  virtual bool down() const = 0;
  // True when the producer cannot be used any more and must be recreated.
  virtual bool fatal() const { return false; }
  // Checks reachability (metadata request) within `timeout_ms`; false + reason when unreachable.
  virtual bool probe(int timeout_ms, std::string* reason) = 0;
};

using ProducerFactory = std::function<std::unique_ptr<Producer>()>;

struct KafkaSettings {
  std::string brokers;  // bootstrap.servers
  std::string topic = "edge-telemetry";
  KeyValues overrides;  // user settings, applied after the defaults
};
// The defaults kafkasink applies before the user's settings: idempotent producer, acks=all.
KeyValues kafka_defaults();
// A librdkafka producer. Throws retail::Error(kConfig) naming an unknown or invalid key.
std::unique_ptr<Producer> make_kafka_producer(const KafkaSettings& settings);
// Appends each message value as one line to `path` (JSON lines); acknowledges once written.
// Throws retail::Error(kIo) when the file cannot be opened for appending.
std::unique_ptr<Producer> make_file_producer(const std::string& path);

}  // namespace retail::delivery

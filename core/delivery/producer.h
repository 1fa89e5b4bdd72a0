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
  // Messages the transport found written twice by its own retries (librdkafka retries a
  // Produce request whose answer was lost; the broker may have written the first attempt).
  // Counted once, on the report that settles the doubt; kafkasink adds it to `resent`.
  uint64_t duplicates = 0;
  // A failed message that may still be in the output (its request reached the broker, or we
  // cannot tell). False only when the transport knows it was never written (librdkafka's
  // RD_KAFKA_MSG_STATUS_NOT_PERSISTED: timed out or purged before it was sent): re-sending such a
  // message cannot duplicate it, so it is not counted in `resent`.
  bool possibly_written = true;
};

// produce() tags: the record's spool offset in the low 48 bits (the engine's send generation
// above them).
inline constexpr uint64_t kTagOffsetMask = (uint64_t{1} << 48) - 1;

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
  // Records whose offset is below `backlog_end` were left in the spool by a previous run (or a
  // previous producer): some of them may already be in the output.
  virtual void begin_replay(uint64_t backlog_end) { (void)backlog_end; }
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
// On open it cuts a torn last line (a crash in the middle of a write) and reads the file's tail:
// a replayed record whose seq is not above the last seq the file holds for its camera was
// written by the previous run (killed before its cursor caught up) and is acknowledged without
// being written again. Throws retail::Error(kIo) when the file cannot be opened for appending.
std::unique_ptr<Producer> make_file_producer(const std::string& path);

}  // namespace retail::delivery

#include "delivery/event_sink.h"

#include "common/error.h"
#include "schema/envelope.h"

namespace retail::delivery {

bool probe_brokers(const KafkaSettings& settings, int timeout_ms, std::string* reason) {
  return make_kafka_producer(settings)->probe(timeout_ms, reason);
}

EventSink::EventSink(const SinkOptions& o, Delivery::OnStats on_stats) {
  const Config& d = o.delivery;
  const bool file_mode = d.brokers.empty();
  if (file_mode && d.location.empty())
    throw Error(ErrorKind::kConfig,
                "kafkasink: neither brokers nor location is set: set brokers=host:port for Kafka "
                "or location=events.jsonl for a JSON-lines file");
  if (!file_mode && d.topic.empty())
    throw Error(ErrorKind::kConfig,
                "topic: no Kafka topic set: set topic (default edge-telemetry)");
  if (o.events.key_template.empty())
    throw Error(ErrorKind::kConfig,
                "key: the message key template is empty: use e.g. "
                "{store_id}/{camera_id}");
  KafkaSettings ks;
  ks.brokers = d.brokers;
  ks.topic = d.topic;
  ks.overrides = parse_kafka_config(d.kafka_config);
  ProducerFactory factory;
  if (file_mode) {
    const std::string loc = d.location;
    factory = [loc] { return make_file_producer(loc); };
  } else {
    factory = [ks] { return make_kafka_producer(ks); };
  }
  const std::string spool_dir =
      d.spool_dir.empty() ? default_spool_dir(o.events.store_id, o.events.camera_id) : d.spool_dir;
  // The producer is built once here so an unknown librdkafka key fails before the spool opens.
  (void)factory();
  if (!file_mode) {
    std::string reason;
    if (!probe_brokers(ks, o.probe_timeout_ms, &reason))
      broker_warning_ = "kafkasink: no Kafka broker answered at '" + d.brokers + "' (" + reason +
                        "): events are kept in the spool " + spool_dir +
                        " and sent when it is reachable; check brokers= and the network";
  }
  delivery_ = std::make_unique<Delivery>(d, factory, spool_dir, std::move(on_stats), file_mode);
  builder_ = std::make_unique<schema::EventBuilder>(
      o.events, schema::new_uuid(), [this](const std::string& store, const std::string& camera) {
        return delivery_->next_seq(store + "/" + camera);
      });
}

EventSink::~EventSink() {
  if (delivery_) delivery_->stop(0);
}

EventSink::PushResult EventSink::push(const FrameAnalytics& frame, int64_t now_us) {
  PushResult r;
  for (const auto& m : builder_->build(frame, now_us, &r.rejected)) {
    if (delivery_->submit(m.key, m.value))
      ++r.accepted;
    else
      ++r.dropped;
  }
  return r;
}

void EventSink::unblock(bool on) {
  if (on)
    delivery_->unblock();
  else
    delivery_->reblock();
}

}  // namespace retail::delivery

// librdkafka producer behind the Producer interface.
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "delivery/producer.h"

namespace retail::delivery {

KeyValues kafka_defaults() {
  return {
      {"enable.idempotence", "true"},  // no duplicates from librdkafka's own retries, in order
      {"acks", "all"},
      // How long librdkafka keeps retrying one message before the engine takes over (rewinds
      // to the spool and re-sends after a back-off).
      {"message.timeout.ms", "30000"},
      {"linger.ms", "5"},
  };
}

namespace {

class KafkaProducer : public Producer {
 public:
  explicit KafkaProducer(const KafkaSettings& s) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& k, const std::string& v, bool user) {
      const rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
      if (r == RD_KAFKA_CONF_OK) return;
      rd_kafka_conf_destroy(conf);
      const std::string what = user ? "kafka-config" : "kafkasink default";
      if (r == RD_KAFKA_CONF_UNKNOWN)
        throw Error(ErrorKind::kConfig, what + ": unknown librdkafka property '" + k +
                                            "': check the spelling against librdkafka's "
                                            "CONFIGURATION.md (" +
                                            err + ")");
      throw Error(ErrorKind::kConfig,
                  what + ": invalid value '" + v + "' for librdkafka property '" + k + "': " + err);
    };
    for (const auto& [k, v] : kafka_defaults()) set(k, v, false);
    set("bootstrap.servers", s.brokers, false);
    bool idempotent = true, in_flight_set = false;
    for (const auto& [k, v] : s.overrides) {
      set(k, v, true);
      if (k == "enable.idempotence") idempotent = v == "true" || v == "1";
      if (k == "max.in.flight.requests.per.connection" || k == "max.in.flight")
        in_flight_set = true;
    }
    // Without idempotence (brokers < 0.11) librdkafka's retries after a broker failure can
    // reorder batches; one request in flight keeps each camera's events in order.
    if (!idempotent && !in_flight_set) set("max.in.flight.requests.per.connection", "1", false);
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, &KafkaProducer::on_delivery);
    rd_kafka_conf_set_error_cb(conf, &KafkaProducer::on_error);
    rd_kafka_conf_set_log_cb(conf, &KafkaProducer::on_log);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (rk_ == nullptr) {  // on failure the conf is still ours
      rd_kafka_conf_destroy(conf);
      throw Error(ErrorKind::kConfig,
                  std::string("kafka-config: librdkafka refused the configuration: ") + err +
                      " (for brokers older than 0.11 set enable.idempotence=false)");
    }
    rkt_ = rd_kafka_topic_new(rk_, s.topic.c_str(), nullptr);
    if (rkt_ == nullptr) {
      rd_kafka_destroy(rk_);
      throw Error(ErrorKind::kConfig, "topic: '" + s.topic + "' is not a valid Kafka topic name");
    }
  }

  ~KafkaProducer() override {
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_, 0);
    rd_kafka_topic_destroy(rkt_);
    rd_kafka_destroy(rk_);
  }

  Result produce(const std::string& key, const std::string& value, uint64_t tag,
                 std::string* error) override {
    if (rd_kafka_produce(rkt_, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                         const_cast<char*>(value.data()), value.size(), key.data(), key.size(),
                         reinterpret_cast<void*>(static_cast<uintptr_t>(tag))) == 0)
      return Result::kQueued;
    const rd_kafka_resp_err_t e = rd_kafka_last_error();
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) return Result::kQueueFull;
    if (error != nullptr) *error = rd_kafka_err2str(e);
    return Result::kFailed;
  }

  void poll(int timeout_ms, const OnReport& on_report) override {
    on_report_ = &on_report;
    rd_kafka_poll(rk_, timeout_ms);
    on_report_ = nullptr;
  }

  void purge() override { rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT); }

  size_t outstanding() const override { return static_cast<size_t>(rd_kafka_outq_len(rk_)); }

  bool down() const override { return all_down_.load(); }

  bool fatal() const override {
    char buf[256];
    return rd_kafka_fatal_error(rk_, buf, sizeof buf) != RD_KAFKA_RESP_ERR_NO_ERROR;
  }

  bool probe(int timeout_ms, std::string* reason) override {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t e = rd_kafka_metadata(rk_, 0, rkt_, &md, timeout_ms);
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
    if (reason != nullptr) *reason = rd_kafka_err2str(e);
    return false;
  }

 private:
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<KafkaProducer*>(opaque);
    DeliveryReport r;
    r.tag = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m->_private));
    r.ok = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!r.ok) r.error = rd_kafka_err2str(m->err);
    if (r.ok) self->all_down_ = false;
    if (self->on_report_ != nullptr) (*self->on_report_)(r);
  }

  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaProducer*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) self->all_down_ = true;
    log::write(log::Level::kWarning, "kafka", std::string("librdkafka: ") + reason);
  }

  static void on_log(const rd_kafka_t*, int level, const char* fac, const char* buf) {
    const log::Level l = level <= 3   ? log::Level::kError
                         : level <= 5 ? log::Level::kWarning
                                      : log::Level::kDebug;
    log::write(l, "kafka", std::string(fac) + ": " + buf);
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* rkt_ = nullptr;
  const OnReport* on_report_ = nullptr;
  std::atomic<bool> all_down_{false};
};

class FileProducer : public Producer {
 public:
  explicit FileProducer(const std::string& path) : path_(path) {
    f_ = fopen(path.c_str(), "ab");
    if (f_ == nullptr)
      throw Error(ErrorKind::kIo, "location: cannot open '" + path + "' for appending (" +
                                      strerror(errno) + "): fix the path or its permissions");
  }
  ~FileProducer() override {
    if (f_ != nullptr) fclose(f_);
  }
  Result produce(const std::string&, const std::string& value, uint64_t tag,
                 std::string* error) override {
    DeliveryReport r;
    r.tag = tag;
    r.ok = fwrite(value.data(), 1, value.size(), f_) == value.size() && fputc('\n', f_) != EOF;
    if (!r.ok) {
      r.error = std::string("write to '") + path_ + "' failed: " + strerror(errno);
      clearerr(f_);
    }
    pending_.push_back(std::move(r));
    return Result::kQueued;
  }
  void poll(int timeout_ms, const OnReport& on_report) override {
    if (!pending_.empty() && fflush(f_) != 0) {
      const std::string e = std::string("write to '") + path_ + "' failed: " + strerror(errno);
      clearerr(f_);
      for (auto& r : pending_) {
        r.ok = false;
        r.error = e;
      }
    }
    std::vector<DeliveryReport> reports;
    reports.swap(pending_);
    for (const auto& r : reports) on_report(r);
    (void)timeout_ms;  // file writes complete synchronously
  }
  void purge() override {}  // lines are written synchronously: nothing is queued
  size_t outstanding() const override { return pending_.size(); }
  bool down() const override { return false; }
  bool probe(int, std::string*) override { return true; }

 private:
  std::string path_;
  FILE* f_ = nullptr;
  std::vector<DeliveryReport> pending_;
};

}  // namespace

std::unique_ptr<Producer> make_kafka_producer(const KafkaSettings& settings) {
  return std::make_unique<KafkaProducer>(settings);
}

std::unique_ptr<Producer> make_file_producer(const std::string& path) {
  return std::make_unique<FileProducer>(path);
}

}  // namespace retail::delivery

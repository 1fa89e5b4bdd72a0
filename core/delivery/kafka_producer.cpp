// librdkafka producer behind the Producer interface.
#include <fcntl.h>
#include <glib.h>
#include <librdkafka/rdkafka.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/log.h"
#include "delivery/producer.h"

namespace retail::delivery {

KeyValues kafka_defaults() {
  return {
      {"enable.idempotence", "true"},  // no duplicates from librdkafka's own retries, in order
      {"acks", "all"},
      // librdkafka retries every message, in order, until the broker takes it. A finite timeout
      // fails messages one by one as they age: when the broker comes back between two of them
      // the younger one is written before the older one is re-sent (the reorder issue 13 saw
      // after a 60 s outage). The spool bounds what is kept; stop() purges what is outstanding.
      {"message.timeout.ms", "0"},
      {"linger.ms", "5"},
  };
}

namespace {

class KafkaProducer : public Producer {
 public:
  explicit KafkaProducer(const KafkaSettings& s) : settings_(s) {
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
    bool idempotent = true, in_flight_set = false, retries_set = false;
    for (const auto& [k, v] : s.overrides) {
      set(k, v, true);
      if (k == "enable.idempotence") idempotent = v == "true" || v == "1";
      if (k == "max.in.flight.requests.per.connection" || k == "max.in.flight")
        in_flight_set = true;
      if (k == "message.send.max.retries" || k == "retries") retries_set = true;
    }
    // Without idempotence (brokers < 0.11) the broker cannot tell a retried batch from a new
    // one: with several requests in flight a retry lands after the requests that followed it.
    // One request in flight and unbounded retries keep each camera's events in order (a retried
    // batch goes back to the head of the queue and is sent before anything younger).
    // With idempotence, librdkafka before 2.3.0 (Debian 12 ships 2.0) mishandles a batch that
    // failed in a "possibly persisted" way while later batches were in flight (its sequence
    // bookkeeping moves on; fixed upstream in 2.3.0, librdkafka PR #4438): seen here as a first
    // event reported delivered that never reached the log (KafkaSinkMock.TransientProduceErrors,
    // 1 run in ~4 under load). One request in flight leaves no later batch to overtake a retry.
    const bool old_idempotence = rd_kafka_version() < 0x020300ff;
    if ((!idempotent || old_idempotence) && !in_flight_set)
      set("max.in.flight.requests.per.connection", "1", false);
    if (!idempotent && !retries_set) set("message.send.max.retries", "2147483647", false);
    rd_kafka_conf_set_opaque(conf, this);
    // Every request whose answer was lost is retried by librdkafka itself: noted here, and the
    // log read back for copies once the retry is through (see settle_doubt). The hook is
    // registered on each new rd_kafka_t.
    if (rd_kafka_conf_interceptor_add_on_new(conf, "retail-retries", &KafkaProducer::on_new,
                                             this) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_conf_destroy(conf);
      throw Error(ErrorKind::kConfig, "kafkasink: cannot install the librdkafka retry counter");
    }
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
                         reinterpret_cast<void*>(static_cast<uintptr_t>(tag))) == 0) {
      outstanding_tags_.insert(tag);
      return Result::kQueued;
    }
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
    if (!r.ok) {
      r.error = rd_kafka_err2str(m->err);
      r.possibly_written = rd_kafka_message_status(m) != RD_KAFKA_MSG_STATUS_NOT_PERSISTED;
    }
    if (r.ok) self->all_down_ = false;
    // The lost request was counted on the broker thread before librdkafka queued its retry, so
    // it is visible here before the retried messages' reports. Every message outstanding then
    // (this one included) may have a copy in the log: the doubt lasts until they are reported.
    const uint64_t lost = self->lost_requests_.load();
    if (lost != self->seen_lost_) {
      self->seen_lost_ = lost;
      self->doubt_tags_.insert(self->outstanding_tags_.begin(), self->outstanding_tags_.end());
    }
    self->outstanding_tags_.erase(r.tag);
    if (!self->doubt_tags_.empty()) {
      if (r.ok) self->note_in_doubt(m);
      self->doubt_tags_.erase(r.tag);
      if (self->doubt_tags_.empty()) r.duplicates = self->settle_doubt();
    }
    if (r.ok && m->offset >= 0) {
      auto [it, fresh] = self->last_offset_.try_emplace(m->partition, m->offset);
      if (!fresh && m->offset <= it->second && !self->said_reorder_) {
        self->said_reorder_ = true;  // librdkafka acknowledges a partition's messages in order
        log::warning("delivery", "partition " + std::to_string(m->partition) +
                                     ": a message was stored at offset " +
                                     std::to_string(m->offset) +
                                     ", before one sent ahead of "
                                     "it (offset " +
                                     std::to_string(it->second) +
                                     "): events of this partition are out of order");
      }
      it->second = std::max(it->second, m->offset);
    }
    if (self->on_report_ != nullptr) (*self->on_report_)(r);
  }

  // A message acknowledged while in doubt: a gap between its offset and the previous one
  // acknowledged in its partition was written by somebody: the lost attempt (copies of messages
  // acknowledged now) or another producer. Which, is read back when the doubt is settled.
  void note_in_doubt(const rd_kafka_message_t* m) {
    const auto it = last_offset_.find(m->partition);
    if (m->offset < 0 || it == last_offset_.end()) {
      ++unverifiable_;  // nothing to compare with (acks=0, or the partition's first message)
      return;
    }
    if (m->offset > it->second + 1) gaps_.push_back({m->partition, it->second + 1, m->offset});
    doubt_copies_.insert(value_hash(m->payload, m->len));
  }

  static size_t value_hash(const void* p, size_t len) {
    return std::hash<std::string_view>{}(std::string_view(static_cast<const char*>(p), len));
  }

  // Every message outstanding at a lost request is reported: the gaps are read back, and each
  // message in them that is a byte-identical copy of one acknowledged during the doubt is a
  // duplicate (event values are unique: they carry event_id and seq). A gap that cannot be read
  // within the deadline counts whole (an upper bound, said once). Returns the duplicates.
  uint64_t settle_doubt() {
    uint64_t dups = unverifiable_;
    if (unverifiable_ > 0)
      log::info("delivery", std::to_string(unverifiable_) +
                                " messages retried by librdkafka could not be checked for copies "
                                "(no earlier offset to compare): counted as re-sent");
    if (!gaps_.empty()) dups += read_back_copies();
    log::info("delivery", "a Produce request whose answer was lost was retried by librdkafka: " +
                              std::to_string(gaps_.size()) + " gaps in the log read back, " +
                              std::to_string(dups) + " messages written twice");
    gaps_.clear();
    doubt_copies_.clear();
    unverifiable_ = 0;
    return dups;
  }

  uint64_t read_back_copies() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", settings_.brokers.c_str(), err, sizeof err);
    // The user's settings carry what the cluster needs (security, broker version); producer-only
    // ones are ignored by a consumer (librdkafka's CONFWARN about them is not logged).
    for (const auto& [k, v] : settings_.overrides)
      rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
    rd_kafka_conf_set_log_cb(conf, &KafkaProducer::on_reader_log);
    uint64_t total = 0, dups = 0;
    for (const auto& g : gaps_) total += static_cast<uint64_t>(g.to - g.from);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (rk == nullptr) {
      rd_kafka_conf_destroy(conf);
      log::warning("delivery", std::string("cannot read the log back to find copies written by "
                                           "librdkafka's retries (") +
                                   err + "): " + std::to_string(total) +
                                   " messages counted as re-sent");
      return total;
    }
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, settings_.topic.c_str(), nullptr);
    const int64_t deadline = g_get_monotonic_time() + kReadBackTimeoutMs * 1000;
    uint64_t unread = 0;
    for (const auto& g : gaps_) {
      int64_t next = g.from;
      if (rkt != nullptr && rd_kafka_consume_start(rkt, g.partition, g.from) == 0) {
        while (next < g.to && g_get_monotonic_time() < deadline) {
          rd_kafka_message_t* m = rd_kafka_consume(rkt, g.partition, 100);
          if (m == nullptr) continue;
          if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->offset >= next && m->offset < g.to) {
            next = m->offset + 1;
            // Every copy counts: a request lost twice can leave two.
            if (doubt_copies_.count(value_hash(m->payload, m->len)) > 0) ++dups;
          }
          rd_kafka_message_destroy(m);
        }
        rd_kafka_consume_stop(rkt, g.partition);
      }
      unread += static_cast<uint64_t>(g.to - next);
    }
    if (rkt != nullptr) rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    if (unread > 0)
      log::warning("delivery", "could not read back " + std::to_string(unread) + " of " +
                                   std::to_string(total) +
                                   " messages written around a lost Produce request within " +
                                   std::to_string(kReadBackTimeoutMs) +
                                   " ms: counted as re-sent (possible duplicates)");
    return dups + unread;
  }

  static void on_reader_log(const rd_kafka_t*, int level, const char* fac, const char* buf) {
    if (std::string(fac) == "CONFWARN") return;
    on_log(nullptr, level, fac, buf);
  }

  static rd_kafka_resp_err_t on_new(rd_kafka_t* rk, const rd_kafka_conf_t*, void* opaque, char*,
                                    size_t) {
    return rd_kafka_interceptor_add_on_response_received(rk, "retail-retries",
                                                         &KafkaProducer::on_response, opaque);
  }

  // Broker thread: a Produce request completed. An error here (transport failure, request
  // timeout) means the broker may have written the batch without us hearing back; librdkafka
  // retries it. Purges and shutdown are the engine's own doing and handled by its rewind.
  static rd_kafka_resp_err_t on_response(rd_kafka_t*, int, const char*, int32_t, int16_t api_key,
                                         int16_t, int32_t, size_t, int64_t, rd_kafka_resp_err_t err,
                                         void* opaque) {
    constexpr int16_t kProduce = 0;
    if (api_key == kProduce && err != RD_KAFKA_RESP_ERR_NO_ERROR &&
        err != RD_KAFKA_RESP_ERR__DESTROY && err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT &&
        err != RD_KAFKA_RESP_ERR__PURGE_QUEUE)
      static_cast<KafkaProducer*>(opaque)->lost_requests_.fetch_add(1);
    return RD_KAFKA_RESP_ERR_NO_ERROR;
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
  std::atomic<uint64_t> lost_requests_{0};  // Produce requests whose answer was lost
  // Sender thread only, from here on.
  uint64_t seen_lost_ = 0;
  static constexpr int kReadBackTimeoutMs = 2000;
  KafkaSettings settings_;
  std::map<int32_t, int64_t> last_offset_;  // per partition: highest offset acknowledged
  bool said_reorder_ = false;
  std::set<uint64_t> outstanding_tags_;  // handed to librdkafka, not reported yet
  std::set<uint64_t> doubt_tags_;        // outstanding when a request was lost, not reported yet
  struct Gap {
    int32_t partition;
    int64_t from, to;  // offsets [from, to) written by somebody between two of our messages
  };
  std::vector<Gap> gaps_;
  std::set<size_t> doubt_copies_;  // value hashes of the messages acknowledged in the doubt
  uint64_t unverifiable_ = 0;
};

class FileProducer : public Producer {
 public:
  explicit FileProducer(const std::string& path) : path_(path) {
    recover_tail();
    f_ = fopen(path.c_str(), "ab");
    if (f_ == nullptr)
      throw Error(ErrorKind::kIo, "location: cannot open '" + path + "' for appending (" +
                                      strerror(errno) + "): fix the path or its permissions");
  }
  ~FileProducer() override {
    if (f_ != nullptr) fclose(f_);
  }
  void begin_replay(uint64_t backlog_end) override { backlog_end_ = backlog_end; }
  Result produce(const std::string&, const std::string& value, uint64_t tag,
                 std::string* error) override {
    DeliveryReport r;
    r.tag = tag;
    if ((tag & kTagOffsetMask) < backlog_end_ && already_written(value)) {
      r.ok = true;  // the previous run wrote it before it was killed
      ++skipped_;
      pending_.push_back(std::move(r));
      return Result::kQueued;
    }
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
    if (skipped_ > 0 && last_seq_.empty() && !said_skipped_) {
      said_skipped_ = true;
      log::info("delivery", path_ + ": " + std::to_string(skipped_) +
                                " replayed events were already in the file (written before a "
                                "crash): not written again");
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
  static bool seq_of(const std::string& line, std::string* camera, uint64_t* seq) {
    try {
      auto node = json::parse(line, "line");
      JsonObject* o = json_node_get_object(node.get());
      if (o == nullptr || !json_object_has_member(o, "seq") ||
          !json_object_has_member(o, "store_id") || !json_object_has_member(o, "camera_id"))
        return false;
      *camera = std::string(json_object_get_string_member(o, "store_id")) + "/" +
                json_object_get_string_member(o, "camera_id");
      *seq = static_cast<uint64_t>(json_object_get_int_member(o, "seq"));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  // Cuts a torn last line and learns the last seq written per camera from the file's tail
  // (the lines of one camera are written in seq order, so the tail holds its highest).
  void recover_tail() {
    const int fd = open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return;  // a new file (or unreadable: fopen below names the problem)
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
      close(fd);
      return;
    }
    constexpr off_t kTail = 4 << 20;
    const off_t from = st.st_size > kTail ? st.st_size - kTail : 0;
    std::string buf(static_cast<size_t>(st.st_size - from), '\0');
    const ssize_t n = pread(fd, &buf[0], buf.size(), from);
    if (n != static_cast<ssize_t>(buf.size())) {
      close(fd);
      return;
    }
    const size_t last_nl = buf.rfind('\n');
    if (buf.back() != '\n' && (last_nl != std::string::npos || from == 0)) {
      const off_t keep = last_nl == std::string::npos ? 0 : from + static_cast<off_t>(last_nl) + 1;
      log::warning("delivery", path_ + ": cutting a torn last line (" +
                                   std::to_string(st.st_size - keep) +
                                   " bytes, written when the previous run was killed)");
      if (ftruncate(fd, keep) != 0)
        log::warning("delivery", path_ + ": cannot cut the torn line: " + strerror(errno));
      buf.resize(last_nl == std::string::npos ? 0 : last_nl + 1);
    }
    close(fd);
    size_t pos = from == 0 ? 0 : buf.find('\n') + 1;  // the first line may be partial
    while (pos < buf.size()) {
      size_t nl = buf.find('\n', pos);
      if (nl == std::string::npos) nl = buf.size();
      std::string camera;
      uint64_t seq = 0;
      if (nl > pos && seq_of(buf.substr(pos, nl - pos), &camera, &seq)) {
        auto it = last_seq_.find(camera);
        if (it == last_seq_.end() || seq > it->second) last_seq_[camera] = seq;
      }
      pos = nl + 1;
    }
  }

  bool already_written(const std::string& value) {
    if (last_seq_.empty()) return false;
    std::string camera;
    uint64_t seq = 0;
    if (!seq_of(value, &camera, &seq)) return false;
    auto it = last_seq_.find(camera);
    if (it == last_seq_.end()) return false;
    if (seq <= it->second) return true;
    last_seq_.erase(it);  // past what the file holds: the rest of this camera is new
    return false;
  }

  std::string path_;
  FILE* f_ = nullptr;
  std::vector<DeliveryReport> pending_;
  std::map<std::string, uint64_t> last_seq_;  // camera → last seq in the file (while replaying)
  uint64_t backlog_end_ = 0;
  uint64_t skipped_ = 0;
  bool said_skipped_ = false;
};

}  // namespace

std::unique_ptr<Producer> make_kafka_producer(const KafkaSettings& settings) {
  return std::make_unique<KafkaProducer>(settings);
}

std::unique_ptr<Producer> make_file_producer(const std::string& path) {
  return std::make_unique<FileProducer>(path);
}

}  // namespace retail::delivery

// The delivery engine behind kafkasink (GStreamer-free). Every event is first appended to the
// on-disk spool (write-ahead: a crash or SIGKILL of the process loses nothing already accepted),
// then a sender thread produces the spool in order through a Producer (librdkafka, or the
// JSON-lines file) and commits what the broker acknowledged. When the broker is down or slow the
// spool grows, bounded by spool_max_bytes with a counted policy; when it is back the backlog is
// replayed in order. submit() never touches the network.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "delivery/producer.h"
#include "delivery/spool.h"

namespace retail::delivery {

enum class SpoolFullPolicy { kDropOldest, kDropNewest, kBlock };
const char* to_string(SpoolFullPolicy p);
// "drop-oldest" | "drop-newest" | "block"; throws retail::Error(kConfig).
SpoolFullPolicy parse_policy(const std::string& text);

enum class BrokerState { kUnknown, kUp, kDown, kFile };
const char* to_string(BrokerState s);

struct Config {
  std::string brokers;                      // "brokers" ("" = JSON-lines file at `location`)
  std::string topic = "edge-telemetry";     // "topic"
  std::string kafka_config;                 // "kafka-config" ("k=v;k=v" or a file)
  std::string spool_dir;                    // "spool-dir" ("" = default_spool_dir())
  uint64_t spool_max_bytes = 256ULL << 20;  // "spool-max-bytes"
  uint32_t flush_timeout_ms = 10000;        // "flush-timeout-ms"
  SpoolFullPolicy on_spool_full = SpoolFullPolicy::kDropOldest;  // "on-spool-full"
  std::string location;               // "location" (JSON lines when no brokers)
  uint32_t stats_interval_ms = 5000;  // "stats-interval-ms"
  uint32_t max_in_flight = 10000;     // messages handed to the producer, not yet acked
};

// <user cache dir>/gst-retail/spool/<store_id>/<camera_id>
std::string default_spool_dir(const std::string& store_id, const std::string& camera_id);

struct Counters {
  uint64_t produced = 0;   // messages handed to the producer (including re-sends)
  uint64_t delivered = 0;  // acknowledged by the broker (or written to the file)
  uint64_t spooled = 0;    // accepted while the broker was down or the in-flight window full
  uint64_t replayed =
      0;                 // delivered from the backlog (spooled, re-sent, or left by a previous run)
  // Possible duplicates (same event_id): records kafkasink sent again after a failure or a
  // restart, plus records outstanding when librdkafka lost a request's answer and retried it.
  uint64_t resent = 0;
  uint64_t dropped = 0;  // dropped by the on-spool-full policy
  uint64_t blocked = 0;  // submissions that waited for room (policy "block")
  uint64_t failures = 0;  // delivery failures seen (each leads to a re-send)
  uint64_t spool_bytes = 0;
  uint64_t spool_records = 0;
  BrokerState broker_state = BrokerState::kUnknown;
};

class Delivery {
 public:
  using OnStats = std::function<void(const Counters&)>;

  // Opens the spool (throws kIo naming spool-dir) and starts the sender thread. `factory` is
  // called on the sender thread's behalf to (re)create the producer.
  Delivery(const Config& config, ProducerFactory factory, std::string spool_dir,
           OnStats on_stats = nullptr, bool file_mode = false);
  ~Delivery();
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  // Accepts one message: appends it to the spool, applying the on-spool-full policy. Never
  // blocks on the network; with policy "block" it waits for room (or until unblock()).
  // Returns false when the message was dropped by the policy. A disk that refuses the write
  // (ENOSPC/EDQUOT) is handled like a full spool: the policy applies (counted in `dropped`),
  // one warning per episode names the directory, and spooling resumes when space returns.
  // Throws kIo on other write errors. `seq`: the camera sequence number the message carries
  // (from next_seq), persisted with the record.
  using SeqMark = Spool::SeqMark;
  bool submit(const std::string& key, const std::string& value, const SeqMark* seq = nullptr);

  // Next sequence number of a camera. Persisted in the spool directory once a message carrying
  // it is submitted and written, so a restart continues with neither a gap nor a reuse.
  uint64_t next_seq(const std::string& camera_key);
  // See Spool::written_seq.
  uint64_t written_seq(const std::string& camera_key);

  // Waits up to timeout_ms until everything accepted so far is acknowledged. Returns the number
  // of records still in the spool (they stay there for the next run).
  uint64_t flush(int timeout_ms);
  // Wakes submit() calls waiting for room (they then write past the bound rather than drop).
  void unblock();
  // Undoes unblock() (GstBaseSink unlock_stop).
  void reblock();
  // Flushes with `timeout_ms`, stops the sender, keeps the rest in the spool; idempotent.
  // Returns the records left.
  uint64_t stop(int timeout_ms);

  Counters counters() const;
  // The disk-full warning of the current episode, once (then ""); the element posts it.
  std::string take_warning();
  const std::string& spool_dir() const { return spool_dir_; }

 private:
  void run();
  void send_some();
  void on_report(const DeliveryReport& r);
  void handle_failure();
  void advance_commit();  // with mu_ held
  bool append_or_apply_policy(std::unique_lock<std::mutex>& lk, const std::string& key,
                              const std::string& value, const SeqMark* seq);
  Counters counters_locked() const;

  Config config_;
  ProducerFactory factory_;
  std::string spool_dir_;
  OnStats on_stats_;
  bool file_mode_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // sender: new records / stop
  std::condition_variable room_cv_;  // submit (block policy) and flush: commits
  Spool spool_;
  std::unique_ptr<Producer> producer_;  // sender thread only
  struct InFlight {
    uint64_t end = 0;
    bool acked = false;
    bool not_written = false;  // failed, and the transport knows it never reached the broker
  };
  std::map<uint64_t, InFlight> in_flight_;  // by record offset
  // Offsets of records whose last attempt failed but may be in the output anyway: sending one
  // again counts in `resent` (a possible duplicate). Records that failed without being written
  // are re-sent uncounted.
  std::set<uint64_t> maybe_written_;
  uint64_t replay_until_ = 0;  // a previous run handed everything before this to its producer
  uint64_t reader_ = 0;                     // next record to send
  uint64_t sent_until_ = 0;                 // highest end offset ever handed to the producer
  uint64_t backlog_until_ = 0;  // records before this offset count as replayed when delivered
  uint64_t generation_ = 0;     // bumped by each rewind (see make_tag in delivery.cpp)
  bool failed_ = false;         // a failure report arrived (handled by the sender loop)
  int64_t retry_at_us_ = 0;
  int backoff_ms_ = 0;
  bool unblocked_ = false;
  bool dropping_newest_ = false;  // drop-newest hysteresis
  bool disk_full_ = false;        // the disk refused a write (one warning per episode)
  bool disk_was_full_ = false;    // since then, delivered segments are deleted at once
  uint64_t disk_full_drops_ = 0;
  std::string pending_warning_;
  bool quit_ = false;
  int64_t stop_deadline_us_ = 0;
  bool stopped_ = false;
  Counters c_;
  std::thread thread_;
};

}  // namespace retail::delivery

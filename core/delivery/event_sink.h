// kafkasink's whole job, without GStreamer: frame analytics in, enveloped events out to Kafka
// (or a JSON-lines file), through the write-ahead spool. The element only converts.
#pragma once

#include <functional>
#include <map>
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

// Tracks open downstream (track_started sent, track_ended not yet), persisted in the spool
// directory (`open-tracks`: a journal of changes, rewritten atomically at most once a second) so
// that a run killed with SIGKILL can be followed by one that closes them with a track_ended whose
// payload says reason "restart" (schema 1.1.0).
//
// The file is written ahead of the spool: a frame's track_started (with its seq) and the seq of
// each track_ended are saved before the frame's events are submitted, and settled after. A kill
// in between leaves a file that may name a start or an end the spool never got; the restart
// tells them apart by the spool's persisted seq (`left_open`), so every track whose start was
// written is closed exactly once and no track is closed that was never started.
class OpenTracks {
 public:
  static constexpr uint64_t kNoSeq = UINT64_MAX;
  struct Track {
    std::string store_id, camera_id, cls, run_id;
    uint64_t track_id = 0;
    int64_t first_us = 0, last_us = 0;  // capture times (first event, last frame seen)
    uint64_t frames = 0;
    uint64_t start_seq = kNoSeq;  // seq of its track_started (kNoSeq: a file of version 1)
    uint64_t end_seq = kNoSeq;    // seq of a track_ended being submitted, else kNoSeq
  };
  explicit OpenTracks(std::string path);
  ~OpenTracks();
  OpenTracks(const OpenTracks&) = delete;
  OpenTracks& operator=(const OpenTracks&) = delete;
  // What a previous run left in the file (empty when it ended cleanly).
  std::vector<Track> load() const;
  // Of `loaded`, the tracks a restart must close: the start was written (start_seq below the
  // camera's written seq) and the end was not. `written_seq(camera key "store/camera")` is the
  // spool's Delivery::written_seq.
  static std::vector<Track> left_open(
      const std::vector<Track>& loaded,
      const std::function<uint64_t(const std::string& camera_key)>& written_seq);
  // Before a frame's messages are submitted: records each track_started and marks the track of
  // each track_ended with the message's seq; saves when anything changed.
  void before_submit(const std::vector<schema::Message>& msgs, const std::string& run_id,
                     int64_t t_us);
  // After: `accepted[i]` says whether msgs[i] was taken by the spool. Forgets the starts that
  // were dropped and the tracks whose end was taken; then follows the frame's tracked objects
  // (frame counts and times, saved at most once a second).
  void after_submit(const FrameAnalytics& frame, const std::vector<schema::Message>& msgs,
                    const std::vector<bool>& accepted, int64_t now_us);
  // Replaces the set (the restart's closing messages are marked with their seqs) and saves.
  void reset(const std::vector<Track>& tracks);

 private:
  static std::string record(const Track& t);   // a journal line: the track's whole state
  static std::string removal(const Track& t);  // a journal line: the track is closed
  void append(const std::string& lines);       // journals changes
  void save();                                 // rewrites the whole set (tmp + rename)
  void failed(int err);
  std::string path_;
  std::map<std::string, Track> open_;  // by store/camera/track_id
  int fd_ = -1;                        // the file, open for appending
  size_t journal_lines_ = 0;
  bool stale_ = false;  // a write failed: the file misses changes until the next rewrite
  int64_t saved_us_ = 0;
  bool dirty_ = false;
  bool warned_ = false;
};

class EventSink {
 public:
  // Validates the options (throws retail::Error naming the property and the fix), opens the
  // spool, creates the producer and probes the brokers. An unreachable broker is not an error:
  // broker_warning() says so and events are spooled until it answers. Tracks a previous run
  // left open (it was killed) are closed first, with track_ended {reason: "restart"}.
  explicit EventSink(const SinkOptions& options, Delivery::OnStats on_stats = nullptr);
  ~EventSink();

  struct PushResult {
    size_t accepted = 0;
    size_t dropped = 0;                 // by the on-spool-full policy
    std::vector<std::string> rejected;  // malformed upstream events (not sent)
    std::string warning;                // the spool's disk is full (once per episode)
  };
  // Builds the frame's events and hands them to the spool. `now_us`: wall clock (µs since epoch).
  PushResult push(const FrameAnalytics& frame, int64_t now_us);

  uint64_t flush(int timeout_ms) { return delivery_->flush(timeout_ms); }
  // The stream ended cleanly (EOS): upstream closed what it wanted to close, so nothing is left
  // for a restart to close. A stop without EOS (an error teardown, a kill) keeps the open set.
  void stream_ended() { open_tracks_->reset({}); }
  uint64_t stop(int timeout_ms) { return delivery_->stop(timeout_ms); }
  void unblock(bool on);
  Counters counters() const { return delivery_->counters(); }
  const std::string& broker_warning() const { return broker_warning_; }
  const std::string& spool_dir() const { return delivery_->spool_dir(); }
  const std::string& pipeline_run_id() const { return builder_->pipeline_run_id(); }

 private:
  void close_tracks_left_open();
  // Submits one built message, its sequence number marked for the spool.
  bool submit(const schema::Message& m);
  std::unique_ptr<Delivery> delivery_;
  std::unique_ptr<schema::EventBuilder> builder_;
  std::unique_ptr<OpenTracks> open_tracks_;
  std::string broker_warning_;
};

}  // namespace retail::delivery

// Turns a frame's analytics into enveloped event messages: the upstream events of the frame, plus
// the optional frame_summary (rate-limited) and detections (per frame) events. Sequence numbers
// come from an injected counter (kafkasink persists it with its spool so a restart continues it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/analytics.h"
#include "schema/envelope.h"

namespace retail::schema {

struct Config {
  std::string store_id;   // "store-id": overrides the frame's source.store_id when set
  std::string camera_id;  // "camera-id": overrides the frame's source.camera_id when set
  std::string key_template = kDefaultKeyTemplate;  // "key"
  uint32_t frame_summary_interval_ms = 0;          // "frame-summary-interval-ms" (0 = off)
  bool detections = false;                         // "detections"
};

struct Message {
  std::string key;    // Kafka message key
  std::string value;  // the enveloped event (JSON)
  std::string store_id;
  std::string camera_id;
  std::string type;
  std::string event_id;
  uint64_t seq = 0;
};

class EventBuilder {
 public:
  // Returns the next sequence number of (store_id, camera_id) and advances it.
  using NextSeq =
      std::function<uint64_t(const std::string& store_id, const std::string& camera_id)>;

  EventBuilder(Config config, std::string pipeline_run_id, NextSeq next_seq);

  // Messages for one frame, in order: the frame's events, then frame_summary (when due), then
  // detections (when enabled). `ingest_us` = wall-clock time at the sink (µs since epoch).
  // An upstream event whose payload is not a JSON object is skipped (no sequence number used)
  // and its error text appended to `rejected`; with `rejected` null it throws Error(kFrame).
  std::vector<Message> build(const FrameAnalytics& frame, int64_t ingest_us,
                             std::vector<std::string>* rejected = nullptr);

  const std::string& pipeline_run_id() const { return run_id_; }

 private:
  Message make(const FrameAnalytics& frame, const std::string& store, const std::string& camera,
               const std::string& type, const std::string& payload, int64_t ingest_us);

  Config config_;
  std::string run_id_;
  NextSeq next_seq_;
  struct Window {
    int64_t start_us = -1;
    uint64_t frames = 0;
  };
  std::map<std::string, Window> summary_windows_;  // per camera key
};

}  // namespace retail::schema

#include "schema/event_builder.h"

#include <utility>

#include "common/error.h"

namespace retail::schema {

EventBuilder::EventBuilder(Config config, std::string pipeline_run_id, NextSeq next_seq)
    : config_(std::move(config)),
      run_id_(std::move(pipeline_run_id)),
      next_seq_(std::move(next_seq)) {}

Message EventBuilder::make(const FrameAnalytics& frame, const std::string& store,
                           const std::string& camera, const std::string& type,
                           const std::string& payload, int64_t ingest_us) {
  EnvelopeFields f;
  f.event_id = new_uuid();
  f.store_id = store;
  f.camera_id = camera;
  f.pipeline_run_id = run_id_;
  f.frame_index = frame.source.frame_index;
  f.capture_us = frame.source.capture_time_us > 0 ? frame.source.capture_time_us : ingest_us;
  f.ingest_us = ingest_us;
  f.type = type;
  // Parse first: a malformed payload throws before a sequence number is consumed.
  json::NodePtr node = parse_payload(type, payload);
  f.seq = next_seq_(store, camera);
  Message m;
  m.value = envelope_json(f, std::move(node));
  m.key = expand_key(config_.key_template, store, camera);
  m.store_id = store;
  m.camera_id = camera;
  m.type = type;
  m.event_id = f.event_id;
  m.seq = f.seq;
  return m;
}

std::vector<Message> EventBuilder::build(const FrameAnalytics& frame, int64_t ingest_us,
                                         std::vector<std::string>* rejected) {
  const std::string& store = !config_.store_id.empty()        ? config_.store_id
                             : !frame.source.store_id.empty() ? frame.source.store_id
                                                              : std::string("unknown");
  const std::string& camera = !config_.camera_id.empty()        ? config_.camera_id
                              : !frame.source.camera_id.empty() ? frame.source.camera_id
                                                                : std::string("unknown");
  std::vector<Message> out;
  out.reserve(frame.events.size() + 2);
  for (const auto& e : frame.events) {
    try {
      out.push_back(make(frame, store, camera, e.type, e.payload_json, ingest_us));
    } catch (const Error& err) {
      // A malformed upstream event must not stop the video: it is reported, not sent.
      if (rejected == nullptr) throw;
      rejected->emplace_back(err.what());
    }
  }

  if (config_.frame_summary_interval_ms > 0) {
    // Time base: capture clock, else stream time, else the sink's wall clock.
    const int64_t t_us = frame.source.capture_time_us > 0 ? frame.source.capture_time_us
                         : frame.source.pts_ns >= 0       ? frame.source.pts_ns / 1000
                                                          : ingest_us;
    Window& win = summary_windows_[store + "/" + camera];
    ++win.frames;
    const int64_t interval_us = static_cast<int64_t>(config_.frame_summary_interval_ms) * 1000;
    if (win.start_us < 0 || t_us - win.start_us >= interval_us || t_us < win.start_us) {
      const int64_t window_ms =
          win.start_us < 0 || t_us < win.start_us ? 0 : (t_us - win.start_us) / 1000;
      out.push_back(make(frame, store, camera, "frame_summary",
                         frame_summary_payload(frame, win.frames, window_ms), ingest_us));
      win.start_us = t_us;
      win.frames = 0;
    }
  }
  if (config_.detections)
    out.push_back(make(frame, store, camera, "detections", detections_payload(frame), ingest_us));
  return out;
}

}  // namespace retail::schema

// The event contract (ARCHITECTURE.md §4, docs/EVENTS.md): every event leaves the box as one JSON
// object with a versioned envelope around a per-type payload. The shape of each payload is fixed
// by configs/schema/retail-event.v1.schema.json. Built with json-glib (retail::json::Writer).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/analytics.h"
#include "common/json.h"

namespace retail::schema {

inline constexpr const char* kSchemaName = "retail-event";
// Semver of the envelope + payload definitions. Additive changes bump the minor, removals or
// renames bump the major (docs/EVENTS.md).
inline constexpr const char* kSchemaVersion = "1.1.0";
inline constexpr const char* kDefaultKeyTemplate = "{store_id}/{camera_id}";

// "2026-11-25T16:59:01.123Z" for microseconds since the Unix epoch (UTC, millisecond precision).
std::string iso8601_utc_ms(int64_t unix_us);
// A random (version 4) UUID, as text.
std::string new_uuid();

// Every field of the envelope except the payload.
struct EnvelopeFields {
  std::string event_id;
  uint64_t seq = 0;
  std::string store_id;
  std::string camera_id;
  std::string pipeline_run_id;
  uint64_t frame_index = 0;
  int64_t capture_us = 0;
  int64_t ingest_us = 0;
  std::string type;
};
// The complete event (compact JSON). `payload_json` must be a JSON object; throws
// retail::Error(kFrame) otherwise.
std::string envelope_json(const EnvelopeFields& f, const std::string& payload_json);
// Same with a payload already parsed by parse_payload().
std::string envelope_json(const EnvelopeFields& f, json::NodePtr payload);
// Parses a payload and checks it is a JSON object; throws retail::Error(kFrame) naming the type.
json::NodePtr parse_payload(const std::string& type, const std::string& payload_json);

// Payload builders for the two types kafkasink derives from the frame itself.
// frame_summary: counts of people / faces / live faces and attribute histograms of the frame,
// plus how many frames the summary window covered.
std::string frame_summary_payload(const FrameAnalytics& frame, uint64_t frames_in_window,
                                  int64_t window_ms);
// detections: every object of the frame (id, class, confidence, normalized box, track id,
// parent id, attributes). Landmarks and pixels are never included.
std::string detections_payload(const FrameAnalytics& frame);

// Expands "{store_id}" and "{camera_id}" in a key template.
std::string expand_key(const std::string& key_template, const std::string& store_id,
                       const std::string& camera_id);

}  // namespace retail::schema

// FrameAnalytics: everything the pipeline knows about one frame (ARCHITECTURE.md §3).
// It rides on every buffer inside RetailFrameMeta as an immutable, shared object: a stage
// copies it, changes the copy and replaces it (retail::meta::read / write in plugins/meta).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/geometry.h"

namespace retail {

enum class ObjectClass { kPerson, kFace };
const char* to_string(ObjectClass c);

enum class TrackState { kNew, kTracked, kLost };
const char* to_string(TrackState s);

struct Source {
  std::string store_id;
  std::string camera_id;
  uint64_t frame_index = 0;
  int64_t pts_ns = -1;          // buffer PTS (-1 when unknown)
  int64_t capture_time_us = 0;  // wall-clock capture time, microseconds since the Unix epoch
  int width = 0;                // frame size when the analytics were produced
  int height = 0;
};

struct Object {
  uint64_t id = 0;  // unique within the frame
  ObjectClass cls = ObjectClass::kPerson;
  float confidence = 0.F;
  Box box;                       // normalized to [0,1]
  uint64_t parent_id = 0;        // owning person's object id (faces), 0 = none
  uint64_t track_id = 0;         // set by retailtrack, 0 = untracked
  std::vector<Point> landmarks;  // normalized face landmarks (never leave the box by default)
  bool predicted = false;        // box carried by the tracker on a frame the detector skipped
};

struct Track {
  uint64_t track_id = 0;
  uint64_t object_id = 0;  // object carrying this track on this frame (0 if none, e.g. lost)
  ObjectClass cls = ObjectClass::kPerson;
  TrackState state = TrackState::kNew;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
};

struct Attribute {
  uint64_t object_id = 0;
  std::string name;   // "liveness", "age_band", "gender", "emotion", ...
  std::string label;  // "live", "25-34", "female", "happy", ...
  float confidence = 0.F;
  double value = 0.0;  // numeric value where meaningful (e.g. smoothed age in years)
};

// A semantic event produced on this frame. `payload_json` is a JSON object (text) whose shape is
// fixed per `type` by configs/schema/retail-event.v1.schema.json; kafkasink wraps it in the
// versioned envelope.
struct Event {
  std::string type;
  std::string payload_json = "{}";
};

// Geometry and live counts a stage wants drawn (e.g. retailzones lines/zones for adoverlay).
struct Region {
  std::string id;
  std::string kind;  // "line", "zone", "queue"
  std::vector<Point> points;
  int64_t count_in = 0;
  int64_t count_out = 0;
  int64_t occupancy = 0;
};

struct FrameAnalytics {
  Source source;
  bool detector_ran = false;  // false on frames skipped by retaildetect's `interval`
  std::vector<Object> objects;
  std::vector<Track> tracks;
  std::vector<Attribute> attributes;
  std::vector<Event> events;
  std::vector<Region> regions;

  const Object* find_object(uint64_t id) const;
  Object* find_object(uint64_t id);
  uint64_t next_object_id() const;  // 1 + the largest object id in use
  std::vector<const Attribute*> attributes_of(uint64_t object_id) const;
  const Attribute* attribute(uint64_t object_id, const std::string& name) const;
  // Adds or replaces the attribute with the same (object_id, name).
  void set_attribute(Attribute a);
  size_t count(ObjectClass c) const;
};

using FrameAnalyticsPtr = std::shared_ptr<const FrameAnalytics>;

}  // namespace retail

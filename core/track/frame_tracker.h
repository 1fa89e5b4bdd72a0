// retailtrack's core: ByteTrack per object class applied to a frame's analytics.
// People and faces are tracked by separate ByteTrackers that draw ids from one counter, so a face
// track never takes a person id. A face keeps its own face track id; where retaildetect linked it
// to a person (Object::parent_id) the person's track id is recorded on the face as the attribute
// "person_track_id" (value = the person track id) and carried on frames the detector skipped.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "common/analytics.h"
#include "track/byte_tracker.h"

namespace retail::track {

constexpr const char* kPersonTrackAttribute = "person_track_id";

class FrameTracker {
 public:
  // `config.frame_rate` must be the stream's real frame rate (it scales the lost buffer and
  // stamps frames without a timestamp).
  explicit FrameTracker(const Config& config);

  // Returns `in` with Object::track_id set, FrameAnalytics::tracks filled (new/tracked/lost) and
  // track_started / track_ended events appended. On frames where the detector did not run
  // (detector_ran == false) every published track is predicted one frame ahead and added as an
  // object with predicted = true (objects of the tracked classes already there are replaced).
  // `width`/`height`: frame size in pixels; `pts_ns` < 0 means unknown.
  FrameAnalytics process(const FrameAnalytics& in, int width, int height, int64_t pts_ns);

  // Ends every track (end of stream): track_ended events for the published ones.
  std::vector<Event> finish();

  uint64_t frames() const { return frames_; }
  uint64_t tracks_started() const { return started_; }  // track_started events so far
  uint64_t tracks_ended() const { return ended_; }      // track_ended events so far

 private:
  struct TrackInfo {
    ObjectClass cls = ObjectClass::kPerson;
    uint64_t person_track = 0;  // faces: the linked person track (0 = none)
  };
  Event ended_event(const EndedTrack& e, ObjectClass cls) const;

  Config config_;
  uint64_t next_id_ = 0;
  std::array<ByteTracker, 2> trackers_;  // indexed by ObjectClass
  std::unordered_map<uint64_t, TrackInfo> info_;
  uint64_t frames_ = 0;
  uint64_t started_ = 0;
  uint64_t ended_ = 0;
};

// Event payloads (contract: track_started {track_id, class, box}, track_ended {track_id, class,
// duration_ms, frames}).
std::string track_started_payload(uint64_t track_id, ObjectClass cls, const Box& normalized);
std::string track_ended_payload(uint64_t track_id, ObjectClass cls, int64_t duration_ms,
                                int frames);

}  // namespace retail::track

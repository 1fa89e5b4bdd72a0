// ByteTrack (Zhang et al., "ByteTrack: Multi-Object Tracking by Associating Every Detection Box",
// ECCV 2022), following the authors' reference implementation (yolox/tracker/byte_tracker.py):
// Kalman prediction, a first association of high-score detections to tracked + lost tracks, a
// second association of low-score detections to the still unmatched tracked tracks, unconfirmed
// tracks matched to the remaining high-score detections, new tracks from unmatched detections
// above the new-track threshold, lost tracks kept for a frame-rate-scaled buffer.
// Boxes are in pixels (the Kalman noise of the aspect ratio is only meaningful in pixels).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "common/geometry.h"
#include "track/kalman.h"

namespace retail::track {

// Defaults: ByteTrack's MOT17 evaluation settings (ifzhang/ByteTrack tools/track.py:
// track_thresh 0.6, match_thresh 0.9, det_thresh = track_thresh + 0.1 in
// yolox/tracker/byte_tracker.py, low 0.1). On PETS09-S2L1 with the default detector they score
// MOTA 0.770 / IDF1 0.661 against 0.759 / 0.601 for the demo's 0.5 / 0.6 / 0.8 (the best IDF1 of a
// 36-point grid, MOTA within 0.007 of its best; docs/BENCHMARKS.md "Tracking",
// bench/pipelines/track_defaults.sh). Each field is one retailtrack property, same default.
struct Config {
  float high_threshold = 0.6F;  // "high-threshold": first association uses score > this
  float low_threshold = 0.1F;   // "low-threshold": second association uses low < score < high
  float new_track_threshold =
      0.7F;  // "new-track-threshold": unmatched detections above start tracks
  float match_iou_distance = 0.9F;  // "match-iou-distance": 1-IoU gate of the first association
  float second_match_iou_distance = 0.5F;       // fixed in ByteTrack
  float unconfirmed_match_iou_distance = 0.7F;  // fixed in ByteTrack
  bool fuse_score = true;  // "fuse-score": IoU x score in the first association (MOT17, not MOT20)
  int track_buffer_frames =
      30;                    // "track-buffer-frames": lost tracks kept this many frames at 30 fps
  double frame_rate = 30.0;  // real frame rate (from caps); scales the buffer
  float min_box_area_px = 10.F;   // "min-box-area-px": tracks smaller than this are not output
  float max_aspect_ratio = 1.6F;  // "max-aspect-ratio": w/h above this are not output (0 = off)

  // Frames a lost track survives: int(frame_rate / 30 * track_buffer_frames), as ByteTrack.
  int max_time_lost() const;
  // Throws retail::Error(kConfig) naming the property and the valid range.
  void validate() const;
};

struct Detection {
  Box box;  // pixels, top-left x/y, width, height
  float score = 0.F;
};

// One track published on a frame (only confirmed tracks passing the output filter).
struct TrackOutput {
  uint64_t track_id = 0;
  Box box;               // pixels (the Kalman estimate after update, or the prediction)
  float score = 0.F;     // score of the last matched detection
  int detection = -1;    // index into this frame's detections, -1 when predicted
  bool started = false;  // first frame this track is published (track_started)
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;  // time of the last matched detection
  int frames = 0;            // frames with a matched detection
};

struct LostTrack {
  uint64_t track_id = 0;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
};

struct EndedTrack {
  uint64_t track_id = 0;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
  int frames = 0;
};

struct FrameResult {
  std::vector<TrackOutput> tracks;  // published this frame
  std::vector<LostTrack> lost;      // published earlier, currently lost (within the buffer)
  std::vector<EndedTrack> ended;    // published earlier, removed on this frame
};

// Allocates track ids; shared between trackers of different classes so ids never collide.
using IdSource = std::function<uint64_t()>;

class ByteTracker {
 public:
  explicit ByteTracker(const Config& config, IdSource ids = nullptr);
  ~ByteTracker();
  ByteTracker(ByteTracker&&) noexcept;
  ByteTracker& operator=(ByteTracker&&) noexcept;

  // One frame with detector output. `pts_ns` stamps first/last seen.
  FrameResult update(const std::vector<Detection>& detections, int64_t pts_ns);
  // One frame the detector skipped: every track is predicted one frame ahead and every
  // published, tracked track is returned with its predicted box (detection = -1).
  FrameResult predict(int64_t pts_ns);
  // Ends every track (end of stream): the published ones are returned.
  std::vector<EndedTrack> finish();

  const Config& config() const { return config_; }
  int frame_id() const { return frame_id_; }
  size_t active_tracks() const;  // tracked + lost, confirmed or not

  struct STrack;  // internal

 private:
  bool publishable(const Box& px) const;
  void remove(STrack* t);
  void remove_expired_lost();
  FrameResult collect();

  Config config_;
  IdSource ids_;
  KalmanFilterXYAH kf_;
  int frame_id_ = 0;
  int max_time_lost_ = 30;
  int64_t pts_ns_ = 0;
  std::vector<std::unique_ptr<STrack>> storage_;  // every live track (owning)
  std::vector<STrack*> tracked_;                  // state tracked (confirmed or not)
  std::vector<STrack*> lost_;                     // state lost
  std::vector<EndedTrack> ended_;                 // published tracks removed this frame
};

}  // namespace retail::track

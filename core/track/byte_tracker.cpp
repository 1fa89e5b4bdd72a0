#include "track/byte_tracker.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "common/error.h"
#include "track/assignment.h"

namespace retail::track {

enum class STrackState { kTracked, kLost, kRemoved };

struct ByteTracker::STrack {
  uint64_t id = 0;
  KalmanMean mean;
  KalmanCov cov;
  Box det_box;  // the detection that created the track (before the filter is initiated)
  bool initiated = false;
  STrackState state = STrackState::kTracked;
  bool is_activated = false;
  float score = 0.F;
  int frame_id = 0;  // last frame a detection was matched (ByteTrack's end_frame)
  int start_frame = 0;
  int hits = 0;
  int det_index = -1;  // detection matched on the current frame
  bool published = false;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;

  Box tlwh() const {
    if (!initiated) return det_box;
    const double h = mean(3);
    const double w = mean(2) * h;
    return {static_cast<float>(mean(0) - w / 2), static_cast<float>(mean(1) - h / 2),
            static_cast<float>(w), static_cast<float>(h)};
  }
};

namespace {

using STrack = ByteTracker::STrack;

Measurement to_xyah(const Box& b) {
  return Measurement(b.x + b.w / 2.0, b.y + b.h / 2.0,
                     b.h > 0 ? b.w / static_cast<double>(b.h) : 0.0, b.h);
}

// 1 - IoU between track boxes (rows) and detection boxes (cols), optionally fused with the
// detection score (ByteTrack's fuse_score: 1 - IoU * score).
CostMatrix iou_distance(const std::vector<STrack*>& tracks, const std::vector<Detection>& dets,
                        const std::vector<int>& det_idx, bool fuse) {
  CostMatrix m(static_cast<int>(tracks.size()), static_cast<int>(det_idx.size()));
  for (int r = 0; r < m.rows; ++r) {
    const Box tb = tracks[r]->tlwh();
    for (int c = 0; c < m.cols; ++c) {
      const Detection& d = dets[det_idx[c]];
      double sim = iou(tb, d.box);
      if (fuse) sim *= d.score;
      m.at(r, c) = 1.0 - sim;
    }
  }
  return m;
}

}  // namespace

int Config::max_time_lost() const {
  return static_cast<int>(frame_rate / 30.0 * track_buffer_frames);
}

void Config::validate() const {
  auto in01 = [](float v, const char* prop) {
    if (!(v >= 0.F && v <= 1.F)) {
      throw Error(ErrorKind::kConfig, std::string(prop) + "=" + std::to_string(v) +
                                          " is out of range: use a value between 0 and 1");
    }
  };
  in01(high_threshold, "high-threshold");
  in01(low_threshold, "low-threshold");
  in01(new_track_threshold, "new-track-threshold");
  in01(match_iou_distance, "match-iou-distance");
  in01(second_match_iou_distance, "second-match-iou-distance");
  in01(unconfirmed_match_iou_distance, "unconfirmed-match-iou-distance");
  if (low_threshold > high_threshold) {
    throw Error(ErrorKind::kConfig,
                "low-threshold (" + std::to_string(low_threshold) + ") is above high-threshold (" +
                    std::to_string(high_threshold) + "): set low-threshold <= high-threshold");
  }
  if (track_buffer_frames < 0) {
    throw Error(ErrorKind::kConfig, "track-buffer-frames must be >= 0");
  }
  if (!(frame_rate > 0.0) || !std::isfinite(frame_rate)) {
    throw Error(ErrorKind::kConfig,
                "frame rate " + std::to_string(frame_rate) +
                    " is not usable: give the stream a framerate in its caps (e.g. videorate)");
  }
  if (min_box_area_px < 0.F || max_aspect_ratio < 0.F) {
    throw Error(ErrorKind::kConfig,
                "min-box-area-px and max-aspect-ratio must be >= 0 (0 disables the filter)");
  }
}

ByteTracker::ByteTracker(const Config& config, IdSource ids)
    : config_(config), ids_(std::move(ids)) {
  config_.validate();
  if (!ids_) {
    auto next = std::make_shared<uint64_t>(0);
    ids_ = [next] { return ++*next; };
  }
  max_time_lost_ = config_.max_time_lost();
}

ByteTracker::~ByteTracker() = default;
ByteTracker::ByteTracker(ByteTracker&&) noexcept = default;
ByteTracker& ByteTracker::operator=(ByteTracker&&) noexcept = default;

size_t ByteTracker::active_tracks() const { return tracked_.size() + lost_.size(); }

bool ByteTracker::publishable(const Box& b) const {
  if (b.w * b.h <= config_.min_box_area_px) return false;  // ByteTrack: area > min_box_area
  if (config_.max_aspect_ratio > 0.F && b.h > 0.F && b.w / b.h > config_.max_aspect_ratio) {
    return false;
  }
  return true;
}

void ByteTracker::remove(STrack* t) {
  if (t->state == STrackState::kRemoved) return;
  t->state = STrackState::kRemoved;
  if (t->published) ended_.push_back({t->id, t->first_seen_ns, t->last_seen_ns, t->hits});
}

void ByteTracker::remove_expired_lost() {
  for (STrack* t : lost_) {
    if (frame_id_ - t->frame_id > max_time_lost_) remove(t);
  }
  lost_.erase(std::remove_if(lost_.begin(), lost_.end(),
                             [](STrack* t) { return t->state == STrackState::kRemoved; }),
              lost_.end());
}

FrameResult ByteTracker::update(const std::vector<Detection>& detections, int64_t pts_ns) {
  ++frame_id_;
  pts_ns_ = pts_ns;
  ended_.clear();
  for (auto& t : storage_) t->det_index = -1;

  // Split detections: high (> high) and low (low < score < high), as ByteTrack.
  std::vector<int> high, low;
  for (int i = 0; i < static_cast<int>(detections.size()); ++i) {
    const float s = detections[i].score;
    if (s > config_.high_threshold) {
      high.push_back(i);
    } else if (s > config_.low_threshold && s < config_.high_threshold) {
      low.push_back(i);
    }
  }

  std::vector<STrack*> unconfirmed, confirmed;
  for (STrack* t : tracked_) (t->is_activated ? confirmed : unconfirmed).push_back(t);

  auto matched = [&](STrack* t, int det) {
    const Detection& d = detections[det];
    kf_.update(t->mean, t->cov, to_xyah(d.box));
    t->state = STrackState::kTracked;
    t->is_activated = true;
    t->score = d.score;
    t->frame_id = frame_id_;
    t->det_index = det;
    ++t->hits;
    t->last_seen_ns = pts_ns;
  };

  // Step 2: first association, high-score detections with tracked + lost tracks.
  std::vector<STrack*> pool = confirmed;
  {
    std::unordered_set<uint64_t> ids;
    for (STrack* t : pool) ids.insert(t->id);
    for (STrack* t : lost_) {
      if (ids.insert(t->id).second) pool.push_back(t);
    }
  }
  for (STrack* t : pool) {
    if (t->state != STrackState::kTracked) t->mean(7) = 0.0;
    kf_.predict(t->mean, t->cov);
  }
  CostMatrix dists = iou_distance(pool, detections, high, config_.fuse_score);
  AssignmentResult a1 = linear_assignment(dists, config_.match_iou_distance);
  for (auto [r, c] : a1.matches) matched(pool[r], high[c]);

  // Step 3: second association, low-score detections with the remaining tracked tracks.
  std::vector<STrack*> remaining;
  for (int r : a1.unmatched_rows) {
    if (pool[r]->state == STrackState::kTracked) remaining.push_back(pool[r]);
  }
  dists = iou_distance(remaining, detections, low, false);
  AssignmentResult a2 = linear_assignment(dists, config_.second_match_iou_distance);
  for (auto [r, c] : a2.matches) matched(remaining[r], low[c]);
  for (int r : a2.unmatched_rows) {
    STrack* t = remaining[r];
    if (t->state != STrackState::kLost) t->state = STrackState::kLost;
  }

  // Unconfirmed tracks (one frame old) against the high-score detections left over.
  std::vector<int> left;
  for (int c : a1.unmatched_cols) left.push_back(high[c]);
  dists = iou_distance(unconfirmed, detections, left, config_.fuse_score);
  AssignmentResult a3 = linear_assignment(dists, config_.unconfirmed_match_iou_distance);
  for (auto [r, c] : a3.matches) matched(unconfirmed[r], left[c]);
  for (int r : a3.unmatched_rows) remove(unconfirmed[r]);

  // Step 4: new tracks from unmatched high-score detections above the new-track threshold.
  std::vector<STrack*> fresh;
  for (int c : a3.unmatched_cols) {
    const Detection& d = detections[left[c]];
    if (d.score < config_.new_track_threshold) continue;
    auto t = std::make_unique<STrack>();
    t->id = ids_();
    t->det_box = d.box;
    kf_.initiate(to_xyah(d.box), t->mean, t->cov);
    t->initiated = true;
    t->state = STrackState::kTracked;
    t->is_activated = frame_id_ == 1;
    t->score = d.score;
    t->frame_id = frame_id_;
    t->start_frame = frame_id_;
    t->det_index = left[c];
    t->hits = 1;
    t->first_seen_ns = pts_ns;
    t->last_seen_ns = pts_ns;
    fresh.push_back(t.get());
    storage_.push_back(std::move(t));
  }

  // Step 5: update the lists.
  std::vector<STrack*> new_tracked, new_lost;
  for (STrack* t : tracked_) {
    if (t->state == STrackState::kTracked) new_tracked.push_back(t);
  }
  for (STrack* t : fresh) new_tracked.push_back(t);
  for (STrack* t : lost_) {  // re-found lost tracks join the tracked list
    if (t->state == STrackState::kTracked) new_tracked.push_back(t);
  }
  for (STrack* t : lost_) {
    if (t->state == STrackState::kLost) new_lost.push_back(t);
  }
  for (STrack* t : tracked_) {
    if (t->state == STrackState::kLost) new_lost.push_back(t);
  }
  tracked_ = std::move(new_tracked);
  lost_ = std::move(new_lost);
  remove_expired_lost();

  // remove_duplicate_stracks: a tracked and a lost track on the same spot (1 - IoU < 0.15):
  // the younger one goes.
  std::vector<STrack*> duplicates;
  for (STrack* p : tracked_) {
    for (STrack* q : lost_) {
      if (1.F - iou(p->tlwh(), q->tlwh()) < 0.15F) {
        const int timep = p->frame_id - p->start_frame;
        const int timeq = q->frame_id - q->start_frame;
        duplicates.push_back(timep > timeq ? q : p);
      }
    }
  }
  for (STrack* t : duplicates) remove(t);
  auto gone = [](STrack* t) { return t->state == STrackState::kRemoved; };
  tracked_.erase(std::remove_if(tracked_.begin(), tracked_.end(), gone), tracked_.end());
  lost_.erase(std::remove_if(lost_.begin(), lost_.end(), gone), lost_.end());
  return collect();
}

FrameResult ByteTracker::predict(int64_t pts_ns) {
  ++frame_id_;
  pts_ns_ = pts_ns;
  ended_.clear();
  for (auto& t : storage_) {
    t->det_index = -1;
    if (t->state == STrackState::kRemoved) continue;
    if (t->state != STrackState::kTracked) t->mean(7) = 0.0;
    kf_.predict(t->mean, t->cov);
  }
  remove_expired_lost();
  return collect();
}

FrameResult ByteTracker::collect() {
  FrameResult out;
  for (STrack* t : tracked_) {
    if (!t->is_activated) continue;
    const Box b = t->tlwh();
    if (!publishable(b)) continue;
    TrackOutput o;
    o.track_id = t->id;
    o.box = b;
    o.score = t->score;
    o.detection = t->det_index;
    o.started = !t->published;
    t->published = true;
    o.first_seen_ns = t->first_seen_ns;
    o.last_seen_ns = t->last_seen_ns;
    o.frames = t->hits;
    out.tracks.push_back(o);
  }
  for (STrack* t : lost_) {
    if (t->published) out.lost.push_back({t->id, t->first_seen_ns, t->last_seen_ns});
  }
  out.ended = ended_;
  storage_.erase(std::remove_if(storage_.begin(), storage_.end(),
                                [](const std::unique_ptr<STrack>& t) {
                                  return t->state == STrackState::kRemoved;
                                }),
                 storage_.end());
  return out;
}

std::vector<EndedTrack> ByteTracker::finish() {
  ended_.clear();
  for (auto& t : storage_) remove(t.get());
  tracked_.clear();
  lost_.clear();
  storage_.clear();
  return std::move(ended_);
}

}  // namespace retail::track

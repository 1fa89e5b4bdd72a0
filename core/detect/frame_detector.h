// What retaildetect does per frame, without GStreamer: picks and loads the face/person
// detectors from a Config (with the documented fall-backs), honours `interval` and `roi`, links
// faces to the person that contains them and writes the results into FrameAnalytics.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/analytics.h"
#include "common/image.h"
#include "detect/config.h"
#include "detect/detector.h"

namespace retail::detect {

// Resolves one concern's model and back end:
//  * model path relative -> looked up under the models folder (retail::paths::resolve_model);
//  * the DEFAULT person model missing from a models folder that holds the fast one
//    (kFastPersonModel, an older shared folder) -> the fast one, with a warning;
//  * the DEFAULT model missing because the models folder is absent -> OpenCV built-in
//    (Haar faces / HOG people) with a warning through retail::log, so the demo always runs;
//  * an explicitly configured model that is missing -> retail::Error(kNotFound) naming the file
//    and the property; a back end that does not fit the file -> retail::Error(kConfig).
// Returns a config with backend == kNone when the concern is switched off. A fall-back also
// appends its user-facing explanation to `notices` (when given).
DetectorConfig resolve_face(const Config& config, std::vector<std::string>* notices = nullptr);
DetectorConfig resolve_person(const Config& config, std::vector<std::string>* notices = nullptr);

// Face -> person linking: each face gets parent_id = the id of the person box holding the
// largest share of it, if that share is >= min_containment.
void link_faces(std::vector<Object>& objects, float min_containment);

// Appends `detections` to `fa.objects` with fresh ids (fa.next_object_id() onwards), boxes
// clipped to [0,1], then links faces to persons (only among the appended objects).
void append_detections(FrameAnalytics& fa, const std::vector<Detection>& detections,
                       float link_containment);

// The user-facing explanation when `threshold` lies below back end `b`'s score_floor() (what
// the tracker really receives and the fix), or "" when it does not.
std::string threshold_floor_notice(Backend b, float threshold);

struct FrameStats {
  uint64_t frames_seen = 0;
  uint64_t inference_runs = 0;  // frames on which the detectors ran
  uint64_t objects = 0;         // objects written in total
};

class FrameDetector {
 public:
  // Validates `config`, applies `threads`, builds the detectors. Throws retail::Error.
  explicit FrameDetector(const Config& config);

  // Processes one frame: on every `interval`-th frame runs the detectors inside the roi and
  // appends the objects to `fa` (detector_ran = true); on the others adds nothing and
  // leaves detector_ran as it was (false on a fresh frame). When no upstream stage described the
  // frame (source.width == 0) fills source.frame_index (frames seen so far), width and height;
  // fills source.pts_ns from `pts_ns` when unknown. Thread-compatible (one per streaming thread).
  void process(const ImageView& img, FrameAnalytics& fa, int64_t pts_ns = -1);

  // Raw detections of both concerns on one frame (ignores interval; honours roi).
  std::vector<Detection> detect(const ImageView& img);

  FrameStats stats() const;
  const Detector* face_detector() const { return face_.get(); }
  const Detector* person_detector() const { return person_.get(); }
  std::string describe() const;
  // Degradations decided at construction (e.g. the built-in fall-back), for the user.
  const std::vector<std::string>& notices() const { return notices_; }
  // Settings that cannot do what they say, decided at construction: a person-threshold below
  // the chosen back end's score_floor() (the element posts each once, as a SETTINGS warning).
  const std::vector<std::string>& setting_notices() const { return setting_notices_; }

 private:
  Config config_;
  Box roi_;
  std::unique_ptr<Detector> face_;
  std::unique_ptr<Detector> person_;
  std::vector<std::string> notices_;
  std::vector<std::string> setting_notices_;
  std::atomic<uint64_t> frames_seen_{0};
  std::atomic<uint64_t> inference_runs_{0};
  std::atomic<uint64_t> objects_{0};
};

}  // namespace retail::detect

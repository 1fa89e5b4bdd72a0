// CLEAR-MOT (MOTA, MOTP, FP, FN, ID switches, MT/PT/ML) and identity metrics (IDF1, IDP, IDR)
// computed as TrackEval does for MOTChallenge: a result box matches a ground-truth box when
// IoU >= 0.5; per frame a Hungarian assignment maximises 1000 x (same pairing as the previous
// frame) + IoU; only ground-truth rows with conf != 0 (and class 1, pedestrian, in MOT16+ files)
// count, and MOT16+ result boxes matched to distractor classes (2, 7, 8, 12) are dropped.
#pragma once

#include <string>
#include <vector>

#include "track/mot_io.h"

namespace retail::track {

struct MotMetrics {
  int frames = 0;
  int gt_boxes = 0;      // ground-truth boxes counted
  int result_boxes = 0;  // result boxes counted
  int tp = 0, fp = 0, fn = 0, idsw = 0;
  double mota = 0, motp = 0;
  int gt_ids = 0, result_ids = 0;
  int mostly_tracked = 0, partially_tracked = 0, mostly_lost = 0;
  int idtp = 0, idfp = 0, idfn = 0;
  double idf1 = 0, idp = 0, idr = 0;
};

struct EvalOptions {
  float iou_threshold = 0.5F;
};

MotMetrics evaluate_mot(const std::vector<MotRow>& gt, const std::vector<MotRow>& result,
                        const EvalOptions& options = {});

// The metrics as one JSON object (json-glib).
std::string to_json(const MotMetrics& m);
// One human-readable line per metric group.
std::string to_text(const MotMetrics& m);

}  // namespace retail::track

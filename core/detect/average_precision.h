// Detection accuracy against ground truth: PASCAL VOC-style average precision (all-point
// interpolated area under the precision/recall curve) at one IoU threshold. Detections are
// ranked by score over the whole set; each one matches the unmatched ground-truth box of its
// frame it overlaps most (IoU >= iou_threshold), else it is a false positive.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "common/geometry.h"

namespace retail::detect {

struct ScoredBox {
  Box box;  // any consistent unit (pixels or normalized)
  float score = 0.F;
};

struct ApResult {
  double ap = 0;         // area under the interpolated precision/recall curve
  size_t gt = 0;         // ground-truth boxes
  size_t detections = 0;
  // Precision and recall of the detections scoring >= `at_score` (see average_precision()).
  double precision_at = 0, recall_at = 0;
};

// `detections` and `ground_truth` keyed by frame; frames absent from `ground_truth` hold no
// people. `at_score`: also report precision/recall of the detections at or above it.
ApResult average_precision(const std::map<int, std::vector<ScoredBox>>& detections,
                           const std::map<int, std::vector<Box>>& ground_truth,
                           float iou_threshold = 0.5F, float at_score = 0.5F);

}  // namespace retail::detect

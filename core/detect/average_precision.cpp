#include "detect/average_precision.h"

#include <algorithm>
#include <tuple>

namespace retail::detect {

ApResult average_precision(const std::map<int, std::vector<ScoredBox>>& detections,
                           const std::map<int, std::vector<Box>>& ground_truth,
                           float iou_threshold, float at_score) {
  ApResult r;
  for (const auto& [frame, boxes] : ground_truth) r.gt += boxes.size();
  // (score, frame, index) ranked by score, ties in input order.
  std::vector<std::tuple<float, int, size_t>> ranked;
  for (const auto& [frame, dets] : detections)
    for (size_t i = 0; i < dets.size(); ++i) ranked.emplace_back(dets[i].score, frame, i);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  r.detections = ranked.size();
  std::map<int, std::vector<bool>> used;
  for (const auto& [frame, boxes] : ground_truth) used[frame].assign(boxes.size(), false);
  std::vector<double> precision;
  std::vector<double> recall;
  size_t tp = 0;
  size_t fp = 0;
  size_t tp_at = 0;
  size_t n_at = 0;
  for (const auto& [score, frame, i] : ranked) {
    const Box& d = detections.at(frame)[i].box;
    auto g = ground_truth.find(frame);
    int best = -1;
    float best_iou = iou_threshold;
    if (g != ground_truth.end()) {
      for (size_t k = 0; k < g->second.size(); ++k) {
        if (used[frame][k]) continue;
        const float o = iou(d, g->second[k]);
        if (o >= best_iou) {
          best_iou = o;
          best = static_cast<int>(k);
        }
      }
    }
    const bool hit = best >= 0;
    if (hit) {
      used[frame][static_cast<size_t>(best)] = true;
      ++tp;
    } else {
      ++fp;
    }
    if (score >= at_score) {
      ++n_at;
      tp_at += hit ? 1 : 0;
    }
    precision.push_back(static_cast<double>(tp) / static_cast<double>(tp + fp));
    recall.push_back(r.gt == 0 ? 0.0 : static_cast<double>(tp) / static_cast<double>(r.gt));
  }
  // Precision envelope (monotone from the right), then the area under it.
  for (size_t i = precision.size(); i-- > 1;)
    precision[i - 1] = std::max(precision[i - 1], precision[i]);
  double prev_recall = 0;
  for (size_t i = 0; i < precision.size(); ++i) {
    r.ap += (recall[i] - prev_recall) * precision[i];
    prev_recall = recall[i];
  }
  r.precision_at = n_at == 0 ? 0.0 : static_cast<double>(tp_at) / static_cast<double>(n_at);
  r.recall_at = r.gt == 0 ? 0.0 : static_cast<double>(tp_at) / static_cast<double>(r.gt);
  return r;
}

}  // namespace retail::detect

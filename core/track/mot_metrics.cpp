#include "track/mot_metrics.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "common/geometry.h"
#include "common/json.h"
#include "track/assignment.h"

namespace retail::track {

namespace {

constexpr double kEps = 1e-9;

bool is_distractor(int cls) { return cls == 2 || cls == 7 || cls == 8 || cls == 12; }

Box box_of(const MotRow& r) { return {r.x, r.y, r.w, r.h}; }

int dense_id(std::unordered_map<int64_t, int>& map, int64_t id) {
  auto it = map.find(id);
  if (it != map.end()) return it->second;
  const int n = static_cast<int>(map.size());
  map.emplace(id, n);
  return n;
}

// Indices (rows, cols) of the Hungarian assignment maximising `score`, pairs with score > 0 only.
std::vector<std::pair<int, int>> max_matching(const CostMatrix& score) {
  CostMatrix cost(score.rows, score.cols);
  for (size_t k = 0; k < score.cost.size(); ++k) cost.cost[k] = -score.cost[k];
  const std::vector<int> rc = solve_assignment(cost);
  std::vector<std::pair<int, int>> out;
  for (int r = 0; r < score.rows; ++r) {
    if (rc[r] >= 0 && score.at(r, rc[r]) > kEps) out.emplace_back(r, rc[r]);
  }
  return out;
}

}  // namespace

MotMetrics evaluate_mot(const std::vector<MotRow>& gt, const std::vector<MotRow>& result,
                        const EvalOptions& options) {
  const double thr = options.iou_threshold;
  std::map<int, std::vector<const MotRow*>> gt_by_frame, res_by_frame;
  for (const MotRow& r : gt) gt_by_frame[r.frame].push_back(&r);
  for (const MotRow& r : result) res_by_frame[r.frame].push_back(&r);
  std::vector<int> frames;
  frames.reserve(gt_by_frame.size() + res_by_frame.size());
  for (auto& [f, v] : gt_by_frame) frames.push_back(f);
  for (auto& [f, v] : res_by_frame) {
    if (gt_by_frame.count(f) == 0) frames.push_back(f);
  }
  std::sort(frames.begin(), frames.end());

  std::unordered_map<int64_t, int> gt_index, res_index;
  std::vector<int> gt_count, gt_matched, res_count;
  std::vector<int> prev_tracker;   // per gt id: last matched result id (-1 none)
  std::vector<int> prev_timestep;  // per gt id: result id matched on the previous frame
  std::map<std::pair<int, int>, int> potential;  // (gt id, result id) -> frames with IoU >= thr
  MotMetrics m;
  m.frames = static_cast<int>(frames.size());
  double iou_sum = 0;

  for (int f : frames) {
    std::vector<const MotRow*> g_all = gt_by_frame[f];
    std::vector<const MotRow*> r_rows = res_by_frame[f];
    // MOT16+ preprocessing: drop result boxes matched to distractor classes.
    const bool has_classes =
        std::any_of(g_all.begin(), g_all.end(), [](const MotRow* r) { return r->cls >= 0; });
    if (has_classes && !g_all.empty() && !r_rows.empty()) {
      CostMatrix s(static_cast<int>(g_all.size()), static_cast<int>(r_rows.size()));
      for (int i = 0; i < s.rows; ++i) {
        for (int j = 0; j < s.cols; ++j) {
          const double v = iou(box_of(*g_all[i]), box_of(*r_rows[j]));
          s.at(i, j) = v >= thr - kEps ? v : 0.0;
        }
      }
      std::vector<char> drop(r_rows.size(), 0);
      for (auto [i, j] : max_matching(s)) {
        if (is_distractor(g_all[i]->cls)) drop[j] = 1;
      }
      std::vector<const MotRow*> kept;
      for (size_t j = 0; j < r_rows.size(); ++j) {
        if (!drop[j]) kept.push_back(r_rows[j]);
      }
      r_rows = std::move(kept);
    }
    std::vector<const MotRow*> g_rows;
    for (const MotRow* r : g_all) {
      if (r->conf != 0.F && (r->cls < 0 || r->cls == 1)) g_rows.push_back(r);
    }
    std::vector<int> gid(g_rows.size()), rid(r_rows.size());
    for (size_t i = 0; i < g_rows.size(); ++i) {
      gid[i] = dense_id(gt_index, g_rows[i]->id);
      if (gid[i] >= static_cast<int>(gt_count.size())) {
        gt_count.push_back(0);
        gt_matched.push_back(0);
        prev_tracker.push_back(-1);
        prev_timestep.push_back(-1);
      }
      ++gt_count[gid[i]];
    }
    for (size_t j = 0; j < r_rows.size(); ++j) {
      rid[j] = dense_id(res_index, r_rows[j]->id);
      if (rid[j] >= static_cast<int>(res_count.size())) res_count.push_back(0);
      ++res_count[rid[j]];
    }
    m.gt_boxes += static_cast<int>(g_rows.size());
    m.result_boxes += static_cast<int>(r_rows.size());

    CostMatrix sim(static_cast<int>(g_rows.size()), static_cast<int>(r_rows.size()));
    CostMatrix score(sim.rows, sim.cols);
    for (int i = 0; i < sim.rows; ++i) {
      for (int j = 0; j < sim.cols; ++j) {
        const double v = iou(box_of(*g_rows[i]), box_of(*r_rows[j]));
        sim.at(i, j) = v;
        if (v >= thr - kEps) {
          ++potential[{gid[i], rid[j]}];
          score.at(i, j) = v + (prev_timestep[gid[i]] == rid[j] ? 1000.0 : 0.0);
        }
      }
    }
    const auto matches = max_matching(score);
    std::vector<int> now(gt_count.size(), -1);
    for (auto [i, j] : matches) {
      const int g = gid[i];
      const int t = rid[j];
      if (prev_tracker[g] >= 0 && prev_tracker[g] != t) ++m.idsw;
      prev_tracker[g] = t;
      now[g] = t;
      ++gt_matched[g];
      iou_sum += sim.at(i, j);
    }
    // prev_timestep holds only this frame's pairs (TrackEval resets it every frame).
    std::fill(prev_timestep.begin(), prev_timestep.end(), -1);
    for (size_t g = 0; g < now.size(); ++g) prev_timestep[g] = now[g];
    m.tp += static_cast<int>(matches.size());
    m.fn += static_cast<int>(g_rows.size() - matches.size());
    m.fp += static_cast<int>(r_rows.size() - matches.size());
  }

  m.mota = static_cast<double>(m.tp - m.fp - m.idsw) / std::max(1, m.tp + m.fn);
  m.motp = m.tp > 0 ? iou_sum / m.tp : 0.0;
  m.gt_ids = static_cast<int>(gt_count.size());
  m.result_ids = static_cast<int>(res_count.size());
  for (size_t g = 0; g < gt_count.size(); ++g) {
    const double ratio = static_cast<double>(gt_matched[g]) / gt_count[g];
    if (ratio > 0.8) {
      ++m.mostly_tracked;
    } else if (ratio < 0.2) {
      ++m.mostly_lost;
    } else {
      ++m.partially_tracked;
    }
  }

  // Identity: the one-to-one gt id <-> result id mapping that maximises matched boxes.
  CostMatrix pm(m.gt_ids, m.result_ids);
  for (auto& [k, n] : potential) pm.at(k.first, k.second) = n;
  for (auto [g, t] : max_matching(pm)) m.idtp += static_cast<int>(pm.at(g, t));
  m.idfn = m.gt_boxes - m.idtp;
  m.idfp = m.result_boxes - m.idtp;
  m.idf1 = m.idtp / std::max(1.0, m.idtp + 0.5 * m.idfp + 0.5 * m.idfn);
  m.idp = m.idtp / std::max(1.0, static_cast<double>(m.idtp + m.idfp));
  m.idr = m.idtp / std::max(1.0, static_cast<double>(m.idtp + m.idfn));
  return m;
}

std::string to_json(const MotMetrics& m) {
  json::Writer w;
  w.field("MOTA", m.mota)
      .field("IDF1", m.idf1)
      .field("MOTP", m.motp)
      .field("IDP", m.idp)
      .field("IDR", m.idr)
      .field("TP", m.tp)
      .field("FP", m.fp)
      .field("FN", m.fn)
      .field("IDSW", m.idsw)
      .field("IDTP", m.idtp)
      .field("IDFP", m.idfp)
      .field("IDFN", m.idfn)
      .field("MT", m.mostly_tracked)
      .field("PT", m.partially_tracked)
      .field("ML", m.mostly_lost)
      .field("GT_boxes", m.gt_boxes)
      .field("result_boxes", m.result_boxes)
      .field("GT_ids", m.gt_ids)
      .field("result_ids", m.result_ids)
      .field("frames", m.frames);
  return w.str();
}

std::string to_text(const MotMetrics& m) {
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "MOTA %.4f  IDF1 %.4f  MOTP %.4f  IDP %.4f  IDR %.4f\n"
                "TP %d  FP %d  FN %d  IDSW %d  (GT boxes %d, result boxes %d, frames %d)\n"
                "GT ids %d  result ids %d  MT %d  PT %d  ML %d\n",
                m.mota, m.idf1, m.motp, m.idp, m.idr, m.tp, m.fp, m.fn, m.idsw, m.gt_boxes,
                m.result_boxes, m.frames, m.gt_ids, m.result_ids, m.mostly_tracked,
                m.partially_tracked, m.mostly_lost);
  return buf;
}

}  // namespace retail::track

// Per-track evidence: how the per-track analyzers (liveness, attributes) turn many noisy readings
// of one track into a label that is either confident or honestly "unknown".
//
// BinaryBelief accumulates weighted log-likelihood ratios (log-odds) for one yes/no question
// ("is this face live?", "is this person male?") and publishes a verdict with hysteresis:
//   - unknown until |log-odds| reaches `decide`;
//   - a published verdict holds while the log-odds stays on its side of `release`, falls back to
//     unknown past it, and flips to the other verdict only at -`decide` (strong evidence);
//   - the accumulated log-odds is clamped to ±`cap`, so a long history can still be overturned
//     by `cap + decide` worth of contrary evidence.
// CategoricalBelief does the same for one-of-N labels (age band, expression) over a smoothed
// distribution, and RobustEstimate keeps the median of a bounded window of confident scalar
// readings (age in years).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace retail::evidence {

enum class Verdict { kUnknown, kYes, kNo };
const char* to_string(Verdict v);  // "unknown", "yes", "no"

// log(p / (1 - p)) with p clamped to [1e-6, 1 - 1e-6], so a hard 0/1 score stays finite.
double log_odds(double p);
// 1 / (1 + exp(-lo)).
double probability(double lo);

struct BeliefConfig {
  double decide = 2.2;   // |log-odds| to publish a verdict (2.2 ~ 90% posterior)
  double release = 0.0;  // a verdict falls back to unknown when the log-odds crosses this
                         // towards the other side (0 = as soon as the evidence is balanced)
  double cap = 8.0;      // |log-odds| never exceeds this (bounded memory of old evidence)
  // Throws retail::Error(kConfig) naming the field: needs 0 <= release < decide <= cap.
  void validate() const;
};

class BinaryBelief {
 public:
  BinaryBelief() = default;
  explicit BinaryBelief(const BeliefConfig& config);

  // Adds one reading: `llr` > 0 is evidence for yes (e.g. log_odds(p) - prior), `weight` in
  // [0, 1] scales it by the reading's quality. Returns the verdict after the update.
  Verdict add(double llr, double weight = 1.0);

  double log_odds() const { return lo_; }
  double probability() const;
  Verdict verdict() const { return verdict_; }
  // Total weight of the readings so far (how much evidence the verdict rests on).
  double weight() const { return weight_; }
  size_t readings() const { return readings_; }
  // Confidence of the published verdict: its posterior probability, 0 when unknown.
  double confidence() const;

 private:
  BeliefConfig config_;
  double lo_ = 0.0;
  double weight_ = 0.0;
  size_t readings_ = 0;
  Verdict verdict_ = Verdict::kUnknown;
};

struct CategoricalConfig {
  double alpha = 0.2;          // weight of a new reading (x quality) in the smoothed distribution
  double publish = 0.6;        // smoothed probability the leading label needs to be published
  double switch_margin = 0.2;  // a published label yields only to one ahead of it by this much
  double min_weight = 2.0;     // total reading weight before anything is published
  void validate() const;       // throws retail::Error(kConfig) naming the field
};

// A smoothed distribution over `labels.size()` classes with a hysteretic published label.
class CategoricalBelief {
 public:
  CategoricalBelief(size_t classes, const CategoricalConfig& config);

  // `probs` has one entry per class (need not sum to 1; it is normalised). Returns the
  // published class index, or -1 for unknown.
  int add(const std::vector<double>& probs, double weight = 1.0);

  const std::vector<double>& distribution() const { return dist_; }
  int published() const { return published_; }  // -1 = unknown
  double confidence() const;                    // smoothed probability of the published label
  double weight() const { return weight_; }

 private:
  CategoricalConfig config_;
  std::vector<double> dist_;
  double weight_ = 0.0;
  int published_ = -1;
};

// The median of the last `window` readings whose weight reached `min_weight`.
class RobustEstimate {
 public:
  explicit RobustEstimate(size_t window = 31, double min_weight = 0.3);
  void add(double value, double weight = 1.0);
  bool empty() const { return values_.empty(); }
  size_t size() const { return values_.size(); }
  double median() const;  // 0 when empty
  // Median absolute deviation around the median (spread of the accepted readings).
  double mad() const;

 private:
  size_t window_;
  double min_weight_;
  std::deque<double> values_;
};

}  // namespace retail::evidence

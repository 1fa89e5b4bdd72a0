#include "common/evidence.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace retail::evidence {

namespace {
void require(bool ok, const char* what) {
  if (!ok) throw Error(ErrorKind::kConfig, what);
}
}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kUnknown:
      return "unknown";
    case Verdict::kYes:
      return "yes";
    case Verdict::kNo:
      return "no";
  }
  return "unknown";
}

double log_odds(double p) {
  const double q = std::clamp(p, 1e-6, 1.0 - 1e-6);
  return std::log(q / (1.0 - q));
}

double probability(double lo) { return 1.0 / (1.0 + std::exp(-lo)); }

void BeliefConfig::validate() const {
  require(decide > 0.0, "evidence: decide must be > 0 (log-odds needed to publish a verdict)");
  require(release >= 0.0 && release < decide,
          "evidence: release must be within [0, decide) (log-odds where a verdict lapses)");
  require(cap >= decide, "evidence: cap must be >= decide (else no verdict is ever reached)");
}

BinaryBelief::BinaryBelief(const BeliefConfig& config) : config_(config) { config_.validate(); }

Verdict BinaryBelief::add(double llr, double weight) {
  if (!std::isfinite(llr) || !std::isfinite(weight) || weight <= 0.0) return verdict_;
  const double w = std::min(weight, 1.0);
  lo_ = std::clamp(lo_ + w * llr, -config_.cap, config_.cap);
  weight_ += w;
  ++readings_;
  switch (verdict_) {
    case Verdict::kUnknown:
      if (lo_ >= config_.decide)
        verdict_ = Verdict::kYes;
      else if (lo_ <= -config_.decide)
        verdict_ = Verdict::kNo;
      break;
    case Verdict::kYes:
      if (lo_ <= -config_.decide)
        verdict_ = Verdict::kNo;
      else if (lo_ < config_.release)
        verdict_ = Verdict::kUnknown;
      break;
    case Verdict::kNo:
      if (lo_ >= config_.decide)
        verdict_ = Verdict::kYes;
      else if (lo_ > -config_.release)
        verdict_ = Verdict::kUnknown;
      break;
  }
  return verdict_;
}

double BinaryBelief::probability() const { return evidence::probability(lo_); }

double BinaryBelief::confidence() const {
  switch (verdict_) {
    case Verdict::kYes:
      return probability();
    case Verdict::kNo:
      return 1.0 - probability();
    case Verdict::kUnknown:
      break;
  }
  return 0.0;
}

void CategoricalConfig::validate() const {
  require(alpha > 0.0 && alpha <= 1.0, "evidence: alpha must be within (0, 1]");
  require(publish > 0.0 && publish <= 1.0, "evidence: publish must be within (0, 1]");
  require(switch_margin >= 0.0 && switch_margin < 1.0,
          "evidence: switch_margin must be within [0, 1)");
  require(min_weight >= 0.0, "evidence: min_weight must be >= 0");
}

CategoricalBelief::CategoricalBelief(size_t classes, const CategoricalConfig& config)
    : config_(config), dist_(classes, classes == 0 ? 0.0 : 1.0 / static_cast<double>(classes)) {
  config_.validate();
  require(classes >= 2, "evidence: a categorical belief needs at least two classes");
}

int CategoricalBelief::add(const std::vector<double>& probs, double weight) {
  if (probs.size() != dist_.size() || !std::isfinite(weight) || weight <= 0.0) return published_;
  double sum = 0.0;
  for (double p : probs) {
    if (!std::isfinite(p) || p < 0.0) return published_;
    sum += p;
  }
  if (sum <= 0.0) return published_;
  const double w = std::min(weight, 1.0);
  const double a = config_.alpha * w;
  for (size_t i = 0; i < dist_.size(); ++i) dist_[i] = (1.0 - a) * dist_[i] + a * probs[i] / sum;
  weight_ += w;
  if (weight_ < config_.min_weight) return published_;

  const auto lead = static_cast<int>(std::max_element(dist_.begin(), dist_.end()) - dist_.begin());
  const double p_lead = dist_[static_cast<size_t>(lead)];
  if (published_ < 0) {
    if (p_lead >= config_.publish) published_ = lead;
  } else if (lead != published_) {
    const double p_pub = dist_[static_cast<size_t>(published_)];
    if (p_lead >= config_.publish && p_lead - p_pub >= config_.switch_margin)
      published_ = lead;
    else if (p_pub < config_.publish - config_.switch_margin)
      published_ = -1;  // the published label lost its support and no successor is clear yet
  }
  return published_;
}

double CategoricalBelief::confidence() const {
  return published_ < 0 ? 0.0 : dist_[static_cast<size_t>(published_)];
}

RobustEstimate::RobustEstimate(size_t window, double min_weight)
    : window_(std::max<size_t>(window, 1)), min_weight_(min_weight) {}

void RobustEstimate::add(double value, double weight) {
  if (!std::isfinite(value) || !(weight >= min_weight_)) return;
  values_.push_back(value);
  while (values_.size() > window_) values_.pop_front();
}

namespace {
double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lo + hi);
}
}  // namespace

double RobustEstimate::median() const {
  return median_of(std::vector<double>(values_.begin(), values_.end()));
}

double RobustEstimate::mad() const {
  if (values_.empty()) return 0.0;
  const double m = median();
  std::vector<double> dev;
  dev.reserve(values_.size());
  for (double v : values_) dev.push_back(std::fabs(v - m));
  return median_of(std::move(dev));
}

}  // namespace retail::evidence

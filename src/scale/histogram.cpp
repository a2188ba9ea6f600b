#include "scale/histogram.hpp"

#include <cmath>

namespace edgestat::scale {

void DecayingHistogram::init(double first_bucket, double half_life_s) {
  first_ = first_bucket > 0 ? first_bucket : 0.01;
  half_life_s_ = half_life_s > 0 ? half_life_s : 86400;
  clear();
}

void DecayingHistogram::clear() {
  for (float& w : weight_) w = 0;
  total_ = 0;
  samples_ = 0;
  have_ref_ = false;
}

// Bucket i covers [s * (r^i - 1) / (r - 1), s * (r^(i+1) - 1) / (r - 1)).
double DecayingHistogram::bucket_start(int i) const {
  return first_ * (std::pow(kBucketRatio, i) - 1) / (kBucketRatio - 1);
}

int DecayingHistogram::bucket_of(double v) const {
  if (!(v > 0)) return 0;
  int i = static_cast<int>(std::floor(std::log(v * (kBucketRatio - 1) / first_ + 1) / std::log(kBucketRatio)));
  if (i < 0) return 0;
  return i >= kBuckets ? kBuckets - 1 : i;
}

// Moves the reference time to t_s, scaling every weight down by the same
// factor, so new samples' factors stay small. Ratios are unchanged.
void DecayingHistogram::rebase(double t_s) {
  double f = std::exp2(-(t_s - ref_t_) / half_life_s_);
  total_ = 0;
  for (float& w : weight_) {
    w = static_cast<float>(w * f);
    total_ += w;
  }
  ref_t_ = t_s;
}

void DecayingHistogram::add(double value, double weight, double t_s) {
  if (!(weight > 0) || !std::isfinite(value)) return;
  if (!have_ref_) {
    ref_t_ = t_s;
    have_ref_ = true;
  }
  if ((t_s - ref_t_) / half_life_s_ > kMaxDecayExponent) rebase(t_s);
  double w = weight * std::exp2((t_s - ref_t_) / half_life_s_);
  weight_[bucket_of(value)] += static_cast<float>(w);
  total_ += w;
  ++samples_;
}

void DecayingHistogram::add_share(double value, double share, double t_s) {
  if (!(share > 0 && share < 1)) return;
  if (empty()) {
    add(value, 1, t_s);
    return;
  }
  if (!have_ref_) ref_t_ = t_s, have_ref_ = true;
  if ((t_s - ref_t_) / half_life_s_ > kMaxDecayExponent) rebase(t_s);
  int b = bucket_of(value);
  // (w + in_b) / (total + w) >= share  =>  w >= (share * total - in_b) / (1 - share)
  double w = (share * total_ - weight_[b]) / (1 - share);
  if (w <= 0) return;
  weight_[b] += static_cast<float>(w);
  total_ += w;
  ++samples_;
}

double DecayingHistogram::percentile(double p) const {
  if (empty()) return 0;
  double want = p * total_, acc = 0;
  for (int i = 0; i < kBuckets; ++i) {
    acc += weight_[i];
    if (acc >= want && weight_[i] > 0) return bucket_start(i + 1);
  }
  // Float rounding left acc just short: the last non-empty bucket.
  for (int i = kBuckets - 1; i >= 0; --i)
    if (weight_[i] > 0) return bucket_start(i + 1);
  return 0;
}

}  // namespace edgestat::scale

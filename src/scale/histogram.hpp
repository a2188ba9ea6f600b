#pragma once
// A decaying histogram of usage samples, the model of Kubernetes' VPA
// recommender: buckets grow exponentially (each 5 % wider than the last),
// and a sample's weight grows by 2^(t / half_life), so relative to a new
// sample an old one counts half as much per half-life: old peaks fade but
// are not forgotten. Fixed size, no allocation; pure.
#include <cstdint>

namespace edgestat::scale {

// 5 % wide buckets (VPA's ratio): a percentile is off by at most 5 %.
inline constexpr double kBucketRatio = 1.05;
// Buckets: with the first bucket's size s the last one starts at
// s * (1.05^199 - 1) / 0.05 ~ 3.3e5 * s, i.e. 3300 cores for s = 0.01 and
// 330 GB for s = 1 MiB: beyond any edge box. A larger sample lands in the last.
inline constexpr int kBuckets = 200;
// Weights are rebased before the growth factor leaves double's comfortable range.
inline constexpr double kMaxDecayExponent = 100;

class DecayingHistogram {
 public:
  // first_bucket: width of bucket 0 (0.01 cores for CPU, 1 MiB for memory).
  void init(double first_bucket, double half_life_s);
  void add(double value, double weight, double t_s);
  // Adds value with the weight that gives its bucket `share` of the new
  // total (an OOM bump must move the percentile at once, not be one sample
  // among thousands); it then fades like any other sample.
  void add_share(double value, double share, double t_s);
  // Smallest bucket end with at least p of the total weight at or below
  // it; 0 when empty.
  double percentile(double p) const;
  double total_weight() const { return total_; }
  uint32_t samples() const { return samples_; }
  bool empty() const { return total_ <= 0; }
  void clear();

  int bucket_of(double v) const;
  double bucket_start(int i) const;

 private:
  void rebase(double t_s);
  float weight_[kBuckets] = {};
  double first_ = 0.01;
  double half_life_s_ = 86400;
  double ref_t_ = 0;  // time at which a sample's weight factor is 1
  bool have_ref_ = false;
  double total_ = 0;
  uint32_t samples_ = 0;
};

}  // namespace edgestat::scale

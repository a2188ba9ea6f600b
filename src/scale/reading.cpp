#include "scale/reading.hpp"

namespace edgestat::scale {

namespace {
// OOM kills where the kernel counts them, else memory.events oom.
double oom_total(const Reading& r) { return r.oom_kills ? *r.oom_kills : r.oom_events.value_or(0); }
double events_total(const Reading& r) { return r.max_events.value_or(0) + r.high_events.value_or(0); }
}  // namespace

Observed SampleFilter::feed(const Reading& r) {
  Observed o;
  if (!r.running || !r.cpu_usage_s) {
    // A stopped container's next reading starts a new series.
    have_ = false;
    return o;
  }
  bool same = have_ && r.incarnation == incarnation_ && r.t_s > t_s_;
  // A counter that stepped back was reset (cgroup recreated): not a sample.
  bool reset = same && (*r.cpu_usage_s < cpu_ || oom_total(r) < oom_ || events_total(r) < events_);
  if (same && !reset) {
    double dt = r.t_s - t_s_;
    o.valid = true;
    o.cpu_rate = (*r.cpu_usage_s - cpu_) / dt;
    o.oom_delta = oom_total(r) - oom_;
    o.pressure_events = events_total(r) - events_;
    if (r.psi_mem_some_s && has_psi_ && *r.psi_mem_some_s >= psi_) o.psi_mem_share = (*r.psi_mem_some_s - psi_) / dt;
  }
  have_ = true;
  incarnation_ = r.incarnation;
  t_s_ = r.t_s;
  cpu_ = *r.cpu_usage_s;
  oom_ = oom_total(r);
  events_ = events_total(r);
  has_psi_ = r.psi_mem_some_s.has_value();
  psi_ = r.psi_mem_some_s.value_or(0);
  return o;
}

}  // namespace edgestat::scale

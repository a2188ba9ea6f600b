// node_exporter's timex collector: the kernel clock discipline from
// adjtimex(2) (read only: modes 0), node_timex_*. A kernel without the
// call, or a sandbox that forbids it, is unsupported here (node_exporter
// returns "no data" on EPERM).
#include <sys/timex.h>

#include <cerrno>
#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/timex_values.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kDescs[kTimexValues] = {
    {"node_timex_sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).", MetricType::Gauge},
    {"node_timex_offset_seconds", "Time offset in between local system and reference clock.", MetricType::Gauge},
    {"node_timex_frequency_adjustment_ratio", "Local clock frequency adjustment.", MetricType::Gauge},
    {"node_timex_maxerror_seconds", "Maximum error in seconds.", MetricType::Gauge},
    {"node_timex_estimated_error_seconds", "Estimated error in seconds.", MetricType::Gauge},
    {"node_timex_status", "Value of the status array bits.", MetricType::Gauge},
    {"node_timex_loop_time_constant", "Phase-locked loop time constant.", MetricType::Gauge},
    {"node_timex_tick_seconds", "Seconds between clock ticks.", MetricType::Gauge},
    {"node_timex_pps_frequency_hertz", "Pulse per second frequency.", MetricType::Gauge},
    {"node_timex_pps_jitter_seconds", "Pulse per second jitter.", MetricType::Gauge},
    {"node_timex_pps_shift_seconds", "Pulse per second interval duration.", MetricType::Gauge},
    {"node_timex_pps_stability_hertz", "Pulse per second stability, average of recent frequency changes.",
     MetricType::Gauge},
    {"node_timex_pps_jitter_total", "Pulse per second count of jitter limit exceeded events.", MetricType::Counter},
    {"node_timex_pps_calibration_total", "Pulse per second count of calibration intervals.", MetricType::Counter},
    {"node_timex_pps_error_total", "Pulse per second count of calibration errors.", MetricType::Counter},
    {"node_timex_pps_stability_exceeded_total", "Pulse per second count of stability limit exceeded events.",
     MetricType::Counter},
    {"node_timex_tai_offset_seconds", "International Atomic Time (TAI) offset.", MetricType::Gauge},
};

}  // namespace

Status collect_timex(CollectContext& ctx) {
  struct timex tx;
  std::memset(&tx, 0, sizeof tx);
  int state = ::adjtimex(&tx);
  if (state < 0) {
    int e = errno;
    // EPERM: a seccomp or container policy hides the clock; report it as
    // absent here rather than broken.
    return Status::error("adjtimex: %s", std::strerror(e)).with_errno(e == EPERM || e == ENOSYS ? ENOENT : e);
  }
  TimexRaw raw{state,          tx.status,  static_cast<int64_t>(tx.offset), static_cast<int64_t>(tx.freq),
               tx.maxerror,    tx.esterror, tx.constant,                    tx.tick,
               tx.ppsfreq,     tx.jitter,   tx.shift,                       tx.stabil,
               tx.jitcnt,      tx.calcnt,   tx.errcnt,                      tx.stbcnt,
               tx.tai};
  double v[kTimexValues];
  timex_values(raw, v);
  for (size_t i = 0; i < kTimexValues; ++i) ctx.out.add(kDescs[i], v[i]);
  return Status::ok();
}

}  // namespace edgestat

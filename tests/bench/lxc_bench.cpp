// Cost of one lxc collection over a fixture tree: runs collect_lxc
// repeatedly in-process (the tracking table warm, as in the daemon) and
// prints the median and best time per collection.
//   lxc_bench TREE ITERATIONS
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "collect/collector.hpp"
#include "collect/lxc/lxc.hpp"
#include "collect/registry.hpp"
#include "config/load.hpp"
#include "core/reserve.hpp"
#include "metrics/snapshot.hpp"

using namespace edgestat;

// Thread CPU time: on a shared, loaded host wall time mostly measures the
// scheduler; CPU time is what a collection costs the box.
static int64_t now_ns(clockid_t clk = CLOCK_THREAD_CPUTIME_ID) {
  timespec ts;
  clock_gettime(clk, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

static int cmp(const void* a, const void* b) {
  int64_t x = *static_cast<const int64_t*>(a), y = *static_cast<const int64_t*>(b);
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: lxc_bench TREE ITERATIONS\n");
    return 2;
  }
  static Config cfg;
  ConfigErrors errs;
  ConfigLoader l(cfg, errs, collector_names());
  l.apply_defaults();
  char buf[600];
  const char* t = argv[1];
  std::snprintf(buf, sizeof buf, "%s/proc", t);
  l.apply_flag("path.procfs", buf, true);
  std::snprintf(buf, sizeof buf, "%s/sys", t);
  l.apply_flag("path.sysfs", buf, true);
  std::snprintf(buf, sizeof buf, "%s/root", t);
  l.apply_flag("path.rootfs", buf, true);
  std::snprintf(buf, sizeof buf, "%s/cgroup", t);
  l.apply_flag("path.cgroupfs", buf, true);
  l.apply_flag("collector.lxc.max-containers", "256", true);
  l.apply_flag("limits.max-samples", "65536", true);
  l.apply_flag("limits.snapshot-arena-bytes", "8MiB", true);
  if (!errs.items.empty()) {
    std::fprintf(stderr, "config: %s\n", errs.items[0].c_str());
    return 1;
  }
  Snapshot snap;
  SnapshotLimits lim{4096, 65536, 8u << 20};
  if (!snap.init(lim)) return 1;
  size_t cap = cfg.collect.read_buffer_bytes;
  char* scratch = reserve_array<char>(cap);
  CollectContext ctx{cfg, snap, scratch, cap};
  int n = std::atoi(argv[2]);
  if (n < 1) n = 1;
  auto* times = static_cast<int64_t*>(std::calloc(static_cast<size_t>(n), sizeof(int64_t)));
  auto* walls = static_cast<int64_t*>(std::calloc(static_cast<size_t>(n), sizeof(int64_t)));
  int64_t first = 0;
  size_t samples = 0;
  for (int i = -1; i < n; ++i) {
    snap.clear();
    int64_t w0 = now_ns(CLOCK_MONOTONIC), t0 = now_ns();
    Status st = collect_lxc(ctx);
    int64_t dt = now_ns() - t0, dw = now_ns(CLOCK_MONOTONIC) - w0;
    if (!st) {
      std::fprintf(stderr, "collect_lxc: %s\n", st.c_str());
      return 1;
    }
    if (i < 0) first = dt;
    else times[i] = dt, walls[i] = dw;
    samples = snap.sample_count();
  }
  std::qsort(times, static_cast<size_t>(n), sizeof(int64_t), cmp);
  std::qsort(walls, static_cast<size_t>(n), sizeof(int64_t), cmp);
  std::printf("first_cpu_us=%.1f median_cpu_us=%.1f best_cpu_us=%.1f median_wall_us=%.1f samples=%zu\n", first / 1e3,
              times[n / 2] / 1e3, times[0] / 1e3, walls[n / 2] / 1e3, samples);
  return 0;
}

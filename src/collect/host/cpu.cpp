// node_exporter's cpu collector: node_cpu_seconds_total{cpu,mode} and
// node_cpu_guest_seconds_total{cpu,mode} from the per-CPU lines of
// /proc/stat, in USER_HZ ticks (100 a second on every Linux ABI).
#include <cstdio>

#include "collect/host/cpu_extras.hpp"
#include "collect/host/host.hpp"
#include "collect/host/proc_stat_parse.hpp"
#include "config/config.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr double kUserHz = 100.0;
// CPUs whose counters the guard below remembers; beyond this the values are
// exported unguarded (there is no such router or Pi).
constexpr unsigned kMaxGuardedCpus = 256;
constexpr int kModes = 8;

constexpr FamilyDesc kSeconds{"node_cpu_seconds_total", "Seconds the CPUs spent in each mode.",
                              MetricType::Counter};
constexpr FamilyDesc kGuest{"node_cpu_guest_seconds_total",
                            "Seconds the CPUs spent in guests (VMs) for each mode.", MetricType::Counter};

constexpr std::string_view kModeNames[kModes] = {"user", "nice", "system", "idle",
                                                 "iowait", "irq", "softirq", "steal"};

// Some kernels let iowait and idle step back a little; a counter must not,
// so like node_exporter keep the previous value on a small drop. A drop of
// more than kJumpBackTicks is a real reset (CPU hotplug) and is taken.
constexpr uint64_t kJumpBackTicks = 300;  // 3 s, node_exporter's threshold
uint64_t g_prev[kMaxGuardedCpus][kModes];  // loop-thread state, fixed size

uint64_t guarded(unsigned cpu, int mode, uint64_t v) {
  if (cpu >= kMaxGuardedCpus) return v;
  uint64_t& p = g_prev[cpu][mode];
  if (v < p && p - v <= kJumpBackTicks) return p;
  p = v;
  return v;
}

}  // namespace

Status collect_cpu(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/stat"})) return Status::error("procfs path too long");
  size_t n = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &n); !st) return st;
  Scanner lines(std::string_view(ctx.scratch, n));
  int found = 0;
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    unsigned cpu = 0;
    CpuTimes t;
    if (!starts_with(line, "cpu") || !parse_cpu_line(line, &cpu, &t)) continue;
    ++found;
    char num[kIntChars];
    std::string_view cpu_label(num, format_u64(cpu, num));  // not snprintf: musl's stdio, per CPU
    const uint64_t vals[kModes] = {t.user, t.nice, t.system, t.idle, t.iowait, t.irq, t.softirq, t.steal};
    for (int m = 0; m < kModes && m < t.columns; ++m) {
      Label l[] = {{"cpu", cpu_label}, {"mode", kModeNames[m]}};
      ctx.out.add(kSeconds, static_cast<double>(guarded(cpu, m, vals[m])) / kUserHz, l, 2);
    }
    if (t.columns >= 10 && ctx.config.filters.cpu_guest) {
      Label lu[] = {{"cpu", cpu_label}, {"mode", "user"}};
      ctx.out.add(kGuest, static_cast<double>(t.guest) / kUserHz, lu, 2);
      Label ln[] = {{"cpu", cpu_label}, {"mode", "nice"}};
      ctx.out.add(kGuest, static_cast<double>(t.guest_nice) / kUserHz, ln, 2);
    }
  }
  if (ctx.generation != 0) {  // for the stat collector, this collection
    StatSummary& s = proc_stat_shared_summary();
    s = StatSummary{};
    proc_stat_share() = ProcStatShare{ctx.generation, parse_stat_summary(std::string_view(ctx.scratch, n), &s)};
  }
  if (found == 0) return Status::error("%s: no per-CPU lines", path.c_str());
  return collect_cpu_extras(ctx);
}

}  // namespace edgestat

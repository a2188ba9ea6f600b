// node_exporter's stat collector: interrupts, context switches, forks,
// boot time and process states from /proc/stat, and with
// collector.stat softirq node_softirqs_total{vector}.
#include "collect/host/host.hpp"
#include "collect/host/proc_stat_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kIntr{"node_intr_total", "Total number of interrupts serviced.", MetricType::Counter};
constexpr FamilyDesc kCtxt{"node_context_switches_total", "Total number of context switches.",
                           MetricType::Counter};
constexpr FamilyDesc kForks{"node_forks_total", "Total number of forks.", MetricType::Counter};
constexpr FamilyDesc kBoot{"node_boot_time_seconds", "Node boot time, in unixtime.", MetricType::Gauge};
constexpr FamilyDesc kRunning{"node_procs_running", "Number of processes in runnable state.", MetricType::Gauge};
constexpr FamilyDesc kSoftirqs{"node_softirqs_total", "Number of softirq calls.", MetricType::Counter};
constexpr FamilyDesc kBlocked{"node_procs_blocked", "Number of processes blocked waiting for I/O to complete.",
                              MetricType::Gauge};

ProcStatShare g_share{};  // loop thread only
StatSummary g_shared;

}  // namespace

ProcStatShare& proc_stat_share() { return g_share; }
StatSummary& proc_stat_shared_summary() { return g_shared; }

Status collect_stat(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/stat"})) return Status::error("procfs path too long");
  StatSummary own;
  const StatSummary* sp = &g_shared;
  bool parsed = g_share.parsed;
  if (ctx.generation == 0 || g_share.generation != ctx.generation) {
    size_t n = 0;
    if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &n); !st) return st;
    parsed = parse_stat_summary(std::string_view(ctx.scratch, n), &own);
    sp = &own;
  }
  if (!parsed) return Status::error("%s: missing ctxt or btime line", path.c_str());
  const StatSummary& s = *sp;
  if (s.has_intr) ctx.out.add(kIntr, static_cast<double>(s.intr));
  ctx.out.add(kCtxt, static_cast<double>(s.ctxt));
  if (s.has_processes) ctx.out.add(kForks, static_cast<double>(s.processes));
  ctx.out.add(kBoot, static_cast<double>(s.btime));
  if (s.has_running) ctx.out.add(kRunning, static_cast<double>(s.procs_running));
  if (s.has_blocked) ctx.out.add(kBlocked, static_cast<double>(s.procs_blocked));
  // --collector.stat.softirq. procfs refuses the whole of /proc/stat for
  // a damaged softirq line; edgestat fails only when the vectors are asked
  // for, since the other lines are still good.
  if (ctx.config.filters.stat_softirq && s.has_softirq) {
    if (!s.softirq_ok) return Status::error("%s: malformed softirq line", path.c_str());
    for (int i = 0; i < StatSummary::kSoftirqVectors; ++i) {
      Label l{"vector", kSoftirqVectorNames[i]};
      ctx.out.add(kSoftirqs, static_cast<double>(s.softirq[i]), &l, 1);
    }
  }
  return Status::ok();
}

}  // namespace edgestat

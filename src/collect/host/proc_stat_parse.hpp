#pragma once
// Pure parsers for /proc/stat (proc(5)), shared by the cpu and stat
// collectors.
#include <cstdint>
#include <string_view>

namespace edgestat {

// Jiffies per mode in /proc/stat column order. Kernels older than 2.6.33
// have fewer columns; missing ones stay 0 and `columns` says how many.
struct CpuTimes {
  uint64_t user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
  int columns;
};

// A "cpuN ..." line (not the aggregate "cpu" line): false if the line is
// not one. cpu receives N.
bool parse_cpu_line(std::string_view line, unsigned* cpu, CpuTimes* t);

struct StatSummary {
  uint64_t intr = 0, ctxt = 0, btime = 0, processes = 0, procs_running = 0, procs_blocked = 0;
  bool has_intr = false, has_ctxt = false, has_btime = false, has_processes = false, has_running = false,
       has_blocked = false;
  // "softirq total hi timer net_tx net_rx block irq_poll tasklet sched
  // hrtimer rcu" (Linux 2.6.31+); softirq_ok is false when the line is
  // there but has fewer than the 11 numbers procfs demands.
  static constexpr int kSoftirqVectors = 10;
  uint64_t softirq[kSoftirqVectors] = {};
  bool has_softirq = false, softirq_ok = true;
};
// node_exporter's vector label values, in the line's order.
inline constexpr std::string_view kSoftirqVectorNames[StatSummary::kSoftirqVectors] = {
    "hi", "timer", "net_tx", "net_rx", "block", "block_iopoll", "tasklet", "sched", "hrtimer", "rcu"};
bool parse_stat_summary(std::string_view text, StatSummary* s);

}  // namespace edgestat

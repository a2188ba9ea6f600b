#pragma once
// Host collectors, one file each under collect/host/, named and with the
// metrics of node_exporter 1.x's collectors of the same name.
#include "collect/collector.hpp"

namespace edgestat {

Status collect_conntrack(CollectContext& ctx);
Status collect_cpu(CollectContext& ctx);
Status collect_diskstats(CollectContext& ctx);
Status collect_entropy(CollectContext& ctx);
Status collect_filefd(CollectContext& ctx);
Status collect_filesystem(CollectContext& ctx);
Status collect_hwmon(CollectContext& ctx);
Status collect_loadavg(CollectContext& ctx);
Status collect_meminfo(CollectContext& ctx);
Status collect_netclass(CollectContext& ctx);
Status collect_netdev(CollectContext& ctx);
Status collect_pressure(CollectContext& ctx);
Status collect_stat(CollectContext& ctx);
Status collect_textfile(CollectContext& ctx);
Status collect_thermal_zone(CollectContext& ctx);
Status collect_time(CollectContext& ctx);
Status collect_uname(CollectContext& ctx);
Status collect_openwrt(CollectContext& ctx);
Status collect_powersupply(CollectContext& ctx);
Status collect_interrupts(CollectContext& ctx);
Status collect_processes(CollectContext& ctx);
Status collect_schedstat(CollectContext& ctx);
Status collect_cpufreq(CollectContext& ctx);
Status collect_udp_queues(CollectContext& ctx);
Status collect_timex(CollectContext& ctx);
Status collect_softnet(CollectContext& ctx);
Status collect_sockstat(CollectContext& ctx);
Status collect_netstat(CollectContext& ctx);
Status collect_arp(CollectContext& ctx);
Status collect_vmstat(CollectContext& ctx);

// /proc/stat is read once per collection: the cpu collector parses its
// summary lines too and leaves them here for the stat collector, which
// reads the file itself only when the cpu collector did not this
// collection (switched off, or its read failed). Loop thread only.
struct StatSummary;
struct ProcStatShare {
  uint64_t generation;  // CollectContext::generation of the read; 0 none
  bool parsed;          // parse_stat_summary's result
};
ProcStatShare& proc_stat_share();
StatSummary& proc_stat_shared_summary();

}  // namespace edgestat

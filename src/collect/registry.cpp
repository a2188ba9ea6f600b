#include "collect/registry.hpp"

#include <array>

#include "collect/host/host.hpp"
#include "collect/lxc/lxc.hpp"
#include "config/config.hpp"
#include "config/node_exporter_compat.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"

namespace edgestat {
namespace {

// -DEDGESTAT_LXC=OFF builds keep the name (lxc_none.cpp) but not the
// default: a lean build's default config must start.
#ifdef EDGESTAT_NO_LXC
constexpr bool kLxcDefault = false;
#else
constexpr bool kLxcDefault = true;
#endif

// Sorted by name; the default set is node_exporter 1.12's for these
// collectors (openwrt is the Lua exporter's, on: unsupported off OpenWrt).
constexpr CollectorDesc kCollectors[] = {
    {"arp", true, collect_arp},
    {"conntrack", true, collect_conntrack},
    {"cpu", true, collect_cpu},
    {"cpufreq", true, collect_cpufreq},
    {"diskstats", true, collect_diskstats},
    {"entropy", true, collect_entropy},
    {"filefd", true, collect_filefd},
    {"filesystem", true, collect_filesystem},
    {"hwmon", true, collect_hwmon},
    {"interrupts", false, collect_interrupts},
    {"loadavg", true, collect_loadavg},
    {"lxc", kLxcDefault, collect_lxc},
    {"meminfo", true, collect_meminfo},
    {"netclass", true, collect_netclass},
    {"netdev", true, collect_netdev},
    {"netstat", true, collect_netstat},
    {"openwrt", true, collect_openwrt},
    {"powersupplyclass", true, collect_powersupply},
    {"pressure", true, collect_pressure},
    {"processes", false, collect_processes},
    {"schedstat", true, collect_schedstat},
    {"sockstat", true, collect_sockstat},
    {"softnet", true, collect_softnet},
    {"stat", true, collect_stat},
    {"textfile", true, collect_textfile},
    {"thermal_zone", true, collect_thermal_zone},
    {"time", true, collect_time},
    {"timex", true, collect_timex},
    {"udp_queues", true, collect_udp_queues},
    {"uname", true, collect_uname},
    {"vmstat", true, collect_vmstat},
};
constexpr size_t kCount = sizeof kCollectors / sizeof kCollectors[0];
static_assert(kCount <= kMaxCollectors, "collector ids must stay below the self id");
static_assert(kCount <= kMaxCollectorSwitches, "every collector needs a [collector] switch");

constexpr std::array<std::string_view, kCount> make_names() {
  std::array<std::string_view, kCount> a{};
  for (size_t i = 0; i < kCount; ++i) a[i] = kCollectors[i].name;
  return a;
}
constexpr std::array<std::string_view, kCount> kNames = make_names();

bool g_failing[kCount];  // loop thread only
CollectorOutcome g_outcome[kCount];  // loop thread only
// Whether the collector ever succeeded since start: a source that was there
// and is gone (a module unloaded, a USB sensor pulled) is a failure, not
// "unsupported here".
bool g_ever_ok[kCount];  // loop thread only

constexpr FamilyDesc kDuration{"node_scrape_collector_duration_seconds",
                               "node_exporter: Duration of a collector scrape.", MetricType::Gauge};
constexpr FamilyDesc kSuccess{"node_scrape_collector_success", "node_exporter: Whether a collector succeeded.",
                              MetricType::Gauge};

}  // namespace

std::span<const CollectorDesc> collectors() { return kCollectors; }
std::span<const std::string_view> collector_names() { return kNames; }

void forget_collector_history() {
  for (size_t i = 0; i < kCount; ++i) g_ever_ok[i] = g_failing[i] = false;
}

CollectorOutcome collector_outcome(size_t id) { return id < kCount ? g_outcome[id] : CollectorOutcome::NotRun; }

int find_collector(std::string_view name) {
  for (size_t i = 0; i < kCount; ++i)
    if (kCollectors[i].name == name) return static_cast<int>(i);
  return -1;
}

uint64_t enabled_collectors(const Config& c) {
  uint64_t mask = 0;
  for (size_t i = 0; i < kCount; ++i) {
    int8_t sw = c.collector_switch[i];
    bool on = sw >= 0 ? sw == 1 : (!c.collector_disable_defaults && kCollectors[i].default_enabled);
    if (on) mask |= uint64_t{1} << i;
  }
  return mask;
}

void run_collectors(const Config& c, uint64_t mask, Snapshot& snap, char* scratch, size_t scratch_cap) {
  static uint64_t generation = 0;  // loop thread only
  CollectContext ctx{c, snap, scratch, scratch_cap, ++generation};
  for (size_t i = 0; i < kCount; ++i) {
    if (!((mask >> i) & 1)) {
      g_outcome[i] = CollectorOutcome::NotRun;
      continue;
    }
    const CollectorDesc& d = kCollectors[i];
    snap.set_collector(static_cast<uint8_t>(i));
    uint32_t mark = snap.mark();
    int64_t t0 = monotonic_ns();
    Status st = d.collect(ctx);
    double secs = static_cast<double>(monotonic_ns() - t0) / 1e9;
    if (!st) snap.rollback(mark);
    // Log changes of state only: a router without PSI would otherwise log
    // the same failure on every scrape.
    // A source absent on this kernel is said once, at info: it is not a
    // fault (node_exporter logs "no data" at debug).
    if (!st && !g_failing[i] && st.unsupported() && !g_ever_ok[i]) {
      log_info("collector unsupported here", {{"collector", d.name}, {"reason", st.message()}});
    } else if (!st && !g_failing[i]) {
      log_warn("collector failed", {{"collector", d.name}, {"duration_seconds", secs}, {"err", st.message()}});
    } else if (st && g_failing[i]) {
      log_info("collector recovered", {{"collector", d.name}});
    }
    g_failing[i] = !st;
    bool absent = !st && st.unsupported() && !g_ever_ok[i];
    g_ever_ok[i] = g_ever_ok[i] || st;
    g_outcome[i] = st ? CollectorOutcome::Ok : absent ? CollectorOutcome::Unsupported : CollectorOutcome::Failed;
    Label l{"collector", d.name};
    snap.add(kDuration, secs, &l, 1);
    snap.add(kSuccess, st ? 1 : 0, &l, 1);
  }
  // A node_exporter collector asked for but not in edgestat fails the way a
  // collector does, so dashboards and alerts on collector success see it.
  snap.set_collector(kMissingCollectorsId);
  std::span<const NodeExporterCollector> ne = node_exporter_collectors();
  for (size_t i = 0; i < ne.size(); ++i) {
    if (!((c.missing_collectors_on[i / 64] >> (i % 64)) & 1)) continue;
    Label l{"collector", ne[i].name};
    snap.add(kSuccess, 0, &l, 1);
  }
}

}  // namespace edgestat

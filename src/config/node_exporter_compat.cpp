#include "config/node_exporter_compat.hpp"

namespace edgestat {
namespace {

// From node_exporter 1.12's registerCollector calls (collector/*.go).
constexpr NodeExporterCollector kCollectors[] = {
    {"arp", true, ""},
    {"bcache", true, ""},
    {"bcachefs", true, ""},
    {"bonding", true, ""},
    {"boottime", true, "BSD, Solaris"},
    {"btrfs", true, ""},
    {"buddyinfo", false, ""},
    {"cgroups", false, ""},
    {"conntrack", true, ""},
    {"cpu", true, ""},
    {"cpu_vulnerabilities", false, ""},
    {"cpufreq", true, ""},
    {"devstat", false, "FreeBSD, DragonFly"},
    {"diskstats", true, ""},
    {"dmi", true, ""},
    {"dmmultipath", true, ""},
    {"drbd", false, ""},
    {"drm", false, ""},
    {"edac", true, ""},
    {"entropy", true, ""},
    {"ethtool", false, ""},
    {"exec", true, "BSD"},
    {"fibrechannel", true, ""},
    {"filefd", true, ""},
    {"filesystem", true, ""},
    {"hwmon", true, ""},
    {"infiniband", true, ""},
    {"interrupts", false, ""},
    {"ipvs", true, ""},
    {"kernel_hung", true, ""},
    {"ksmd", false, ""},
    {"lnstat", false, ""},
    {"loadavg", true, ""},
    {"logind", false, ""},
    {"mdadm", true, ""},
    {"meminfo", true, ""},
    {"meminfo_numa", false, ""},
    {"mountstats", false, ""},
    {"netclass", true, ""},
    {"netdev", true, ""},
    {"netinterface", true, "AIX"},
    {"netisr", true, "FreeBSD"},
    {"netstat", true, ""},
    {"network_route", false, ""},
    {"nfs", true, ""},
    {"nfsd", true, ""},
    {"ntp", false, ""},
    {"nvme", true, ""},
    {"nvmesubsystem", false, ""},
    {"os", true, ""},
    {"partition", true, "AIX"},
    {"pcidevice", false, ""},
    {"perf", false, ""},
    {"powersupplyclass", true, ""},
    {"pressure", true, ""},
    {"processes", false, ""},
    {"qdisc", false, ""},
    {"rapl", true, ""},
    {"runit", false, ""},
    {"schedstat", true, ""},
    {"selinux", true, ""},
    {"slabinfo", false, ""},
    {"sockstat", true, ""},
    {"softirqs", false, ""},
    {"softnet", true, ""},
    {"stat", true, ""},
    {"supervisord", false, ""},
    {"swap", false, ""},
    {"sysctl", false, ""},
    {"systemd", false, ""},
    {"tapestats", true, ""},
    {"tcpstat", false, ""},
    {"textfile", true, ""},
    {"thermal", true, "macOS"},
    {"thermal_zone", true, ""},
    {"time", true, ""},
    {"timex", true, ""},
    {"udp_queues", true, ""},
    {"uname", true, ""},
    {"vmstat", true, ""},
    {"watchdog", true, ""},
    {"wifi", false, ""},
    {"xfrm", false, ""},
    {"xfs", true, ""},
    {"zfs", true, ""},
    {"zoneinfo", false, ""},
};
static_assert(sizeof kCollectors / sizeof kCollectors[0] <= kMaxNodeExporterCollectors);

constexpr std::string_view kNoCollector = "edgestat has no such collector";

// From node_exporter 1.12's kingpin.Flag calls and exporter-toolkit's
// web flags: the ones edgestat has no key for.
constexpr IgnoredFlag kIgnored[] = {
    {"collector.arp.netlink", true, "edgestat reads /proc/net/arp"},
    {"collector.bcache.priorityStats", true, kNoCollector},
    {"collector.ethtool.device-exclude", false, kNoCollector},
    {"collector.ethtool.device-include", false, kNoCollector},
    {"collector.ethtool.metrics-include", false, kNoCollector},
    {"collector.filesystem.fs-types-include", false, "not implemented: use fs-types-exclude"},
    {"collector.filesystem.mount-points-include", false, "not implemented: use mount-points-exclude"},
    {"collector.filesystem.stat-workers", false, "edgestat runs statfs on one worker with a deadline (mount-timeout)"},
    {"collector.hwmon.sensor-exclude", false, "not implemented: use chip-exclude"},
    {"collector.hwmon.sensor-include", false, "not implemented: use chip-include"},
    {"collector.infiniband.device-exclude", false, kNoCollector},
    {"collector.infiniband.device-include", false, kNoCollector},
    {"collector.ipvs.backend-labels", false, kNoCollector},
    {"collector.netclass.netlink", true, "edgestat reads /sys/class/net"},
    {"collector.netclass_rtnl.with-stats", true, "edgestat reads /sys/class/net"},
    {"collector.netdev.address-info", true, "not implemented"},
    {"collector.netdev.enable-detailed-metrics", true, "not implemented"},
    {"collector.netdev.label-ifalias", true, "not implemented"},
    {"collector.netdev.netlink", true, "edgestat reads /proc/net/dev"},
    {"collector.ntp.ip-ttl", false, kNoCollector},
    {"collector.ntp.local-offset-tolerance", false, kNoCollector},
    {"collector.ntp.max-distance", false, kNoCollector},
    {"collector.ntp.protocol-version", false, kNoCollector},
    {"collector.ntp.server", false, kNoCollector},
    {"collector.ntp.server-is-local", true, kNoCollector},
    {"collector.ntp.server-port", false, kNoCollector},
    {"collector.pcidevice.idsfile", false, kNoCollector},
    {"collector.pcidevice.names", true, kNoCollector},
    {"collector.perf.cache-profilers", false, kNoCollector},
    {"collector.perf.cpus", false, kNoCollector},
    {"collector.perf.disable-cache-profilers", true, kNoCollector},
    {"collector.perf.disable-hardware-profilers", true, kNoCollector},
    {"collector.perf.disable-software-profilers", true, kNoCollector},
    {"collector.perf.hardware-profilers", false, kNoCollector},
    {"collector.perf.software-profilers", false, kNoCollector},
    {"collector.perf.tracepoint", false, kNoCollector},
    {"collector.qdisc.device-exclude", false, kNoCollector},
    {"collector.qdisc.device-include", false, kNoCollector},
    {"collector.qdisc.fixtures", false, kNoCollector},
    {"collector.qdisk.device-exclude", false, kNoCollector},
    {"collector.qdisk.device-include", false, kNoCollector},
    {"collector.rapl.enable-zone-label", true, kNoCollector},
    {"collector.runit.servicedir", false, kNoCollector},
    {"collector.slabinfo.slabs-exclude", false, kNoCollector},
    {"collector.slabinfo.slabs-include", false, kNoCollector},
    {"collector.supervisord.url", false, kNoCollector},
    {"collector.sysctl.include", false, kNoCollector},
    {"collector.sysctl.include-info", false, kNoCollector},
    {"collector.systemd.enable-restarts-metrics", true, kNoCollector},
    {"collector.systemd.enable-start-time-metrics", true, kNoCollector},
    {"collector.systemd.enable-task-metrics", true, kNoCollector},
    {"collector.systemd.private", true, kNoCollector},
    {"collector.systemd.unit-blacklist", false, kNoCollector},
    {"collector.systemd.unit-exclude", false, kNoCollector},
    {"collector.systemd.unit-include", false, kNoCollector},
    {"collector.systemd.unit-whitelist", false, kNoCollector},
    {"collector.tapestats.ignored-devices", false, kNoCollector},
    {"collector.wifi.fixtures", false, kNoCollector},
    {"runtime.gomaxprocs", false, "a Go runtime setting: edgestat runs one event loop"},
    {"web.systemd-socket", true, "socket activation is not implemented: edgestat binds --web.listen-address"},
};

constexpr FlagAlias kAliases[] = {
    {"collector.diskstats.ignored-devices", "collector.diskstats", "device_exclude"},
    {"collector.filesystem.ignored-fs-types", "collector.filesystem", "fs_types_exclude"},
    {"collector.filesystem.ignored-mount-points", "collector.filesystem", "mount_points_exclude"},
    {"collector.netdev.device-blacklist", "collector.netdev", "device_exclude"},
    {"collector.netdev.device-whitelist", "collector.netdev", "device_include"},
};

}  // namespace

std::span<const NodeExporterCollector> node_exporter_collectors() { return kCollectors; }

int find_node_exporter_collector(std::string_view name) {
  for (size_t i = 0; i < sizeof kCollectors / sizeof kCollectors[0]; ++i)
    if (kCollectors[i].name == name) return static_cast<int>(i);
  return -1;
}

std::span<const IgnoredFlag> ignored_node_exporter_flags() { return kIgnored; }

const IgnoredFlag* find_ignored_flag(std::string_view name) {
  for (const IgnoredFlag& f : kIgnored)
    if (f.name == name) return &f;
  return nullptr;
}

const FlagAlias* find_flag_alias(std::string_view name) {
  for (const FlagAlias& a : kAliases)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace edgestat

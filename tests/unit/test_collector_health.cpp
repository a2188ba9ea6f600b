// The health rule every collector follows: a source that is absent on this
// kernel (no conntrack module, no hwmon, no PSI, no thermal zones, no
// cpufreq...) makes the collector "unsupported here", never failing; only
// a source that exists and cannot be read or parsed degrades health.
#include <doctest/doctest.h>

#include <string>

#include "collect/registry.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {

const char* outcome_name(CollectorOutcome o) {
  switch (o) {
    case CollectorOutcome::NotRun: return "not run";
    case CollectorOutcome::Ok: return "ok";
    case CollectorOutcome::Unsupported: return "unsupported";
    case CollectorOutcome::Failed: return "failed";
  }
  return "?";
}

// Runs every collector (all switched on) over the tree and returns the
// snapshot's text for inspection.
void run_all(const TempTree& t) {
  static Config c;
  c = Config{};
  ConfigErrors e;
  ConfigLoader l(c, e, collector_names());
  l.apply_defaults();
  REQUIRE(l.apply_flag("path.procfs", t.path("proc"), true));
  REQUIRE(l.apply_flag("path.sysfs", t.path("sys"), true));
  REQUIRE(l.apply_flag("path.rootfs", t.path("root"), true));
  REQUIRE(l.apply_flag("path.cgroupfs", t.path("cgroup"), true));
  REQUIRE(l.apply_flag("path.udev.data", t.path("udev"), true));
  REQUIRE(l.apply_flag("collector.textfile.directory", t.path("textfile"), true));
  l.validate();
  REQUIRE(e.empty());
  static Snapshot s;
  static bool init = false;
  if (!init) {
    SnapshotLimits lim;
    lim.max_families = 512;
    lim.max_samples = 8192;
    lim.arena_bytes = 1024 * 1024;
    REQUIRE(s.init(lim));
    init = true;
  }
  static char scratch[kScratchBytes];
  run_collectors(c, kAllCollectors, s, scratch, sizeof scratch);
}

}  // namespace

TEST_CASE("test_collector_health: every collector over an empty tree is unsupported or ok, never failed") {
  TempTree t;
  for (const char* d : {"proc", "sys", "root", "cgroup", "udev", "textfile"}) t.mkdir(d);
  run_all(t);
  auto names = collector_names();
  for (size_t i = 0; i < names.size(); ++i) {
    CollectorOutcome o = collector_outcome(i);
    INFO("collector " << std::string(names[i]) << ": " << outcome_name(o));
    CHECK(o != CollectorOutcome::Failed);
    CHECK(o != CollectorOutcome::NotRun);
  }
}

TEST_CASE("test_collector_health: a source that exists but cannot be read fails the collector") {
  TempTree t;
  for (const char* d : {"proc", "sys", "root", "cgroup", "udev", "textfile"}) t.mkdir(d);
  // Directories where files belong: open() works, read() says EISDIR.
  for (const char* f : {"proc/loadavg", "proc/stat", "proc/meminfo", "proc/vmstat", "proc/net/netstat",
                        "proc/net/snmp", "proc/net/sockstat", "proc/net/softnet_stat", "proc/net/arp",
                        "proc/net/udp", "proc/schedstat", "proc/pressure/cpu", "proc/sys/fs/file-nr",
                        "proc/interrupts", "proc/softirqs", "proc/diskstats", "proc/net/dev", "proc/cpuinfo"})
    t.mkdir(f);
  run_all(t);
  for (const char* name : {"loadavg", "stat", "meminfo", "vmstat", "netstat", "sockstat", "softnet", "arp",
                           "udp_queues", "schedstat", "pressure", "filefd", "interrupts", "diskstats", "netdev"}) {
    int id = find_collector(name);
    INFO("collector " << name);
    REQUIRE(id >= 0);
    CHECK(collector_outcome(static_cast<size_t>(id)) == CollectorOutcome::Failed);
  }
}

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
void run_all(const TempTree& t, bool fresh = true) {
  if (fresh) forget_collector_history();
  static Config c;
  load_config(c, {{"path.procfs", t.path("proc")},
                  {"path.sysfs", t.path("sys")},
                  {"path.rootfs", t.path("root")},
                  {"path.cgroupfs", t.path("cgroup")},
                  {"path.udev.data", t.path("udev")},
                  {"collector.textfile.directory", t.path("textfile")}});
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

namespace {

// Runs every collector, opt-in ones too, over a fixture tree into s.
void run_fixture(Snapshot& s, const std::string& tree) {
  static Config c;
  load_config(c, {{"path.procfs", tree + "/proc"},
                  {"path.sysfs", tree + "/sys"},
                  {"path.rootfs", tree + "/root"},
                  {"path.udev.data", tree + "/udev"},
                  {"collector.textfile.directory", tree + "/textfile"},
                  {"collector.cpu.info", "true"},
                  {"collector.stat.softirq", "true"}});
  static char scratch[kScratchBytes];
  run_collectors(c, kAllCollectors, s, scratch, sizeof scratch);
}

}  // namespace

TEST_CASE("test_collector_health: no collector's fixture output can produce a duplicate series") {
  for (const char* tree : {"vm", "rpi", "openwrt"}) {
    INFO("fixture " << tree);
    Snapshot s;
    SnapshotLimits lim;
    lim.max_families = 1024;
    lim.max_samples = 16384;
    lim.arena_bytes = 2 * 1024 * 1024;
    REQUIRE(s.init(lim));
    run_fixture(s, fixture(tree));
    // One run: every series is distinct (a collector repeating itself, or
    // two collectors sharing a series, would show here).
    CHECK(s.duplicates() == 0);
    CHECK(s.refused() == 0);
    uint32_t first = s.mark();
    REQUIRE(first > 500);
    // The same collection again into the same snapshot: every sample of
    // every collector is the same series again and must be refused, so the
    // snapshot does not grow and counts each one.
    run_fixture(s, fixture(tree));
    CHECK(s.mark() == first);
    CHECK(s.duplicates() == first);
    CHECK(s.refused() == 0);
  }
}

TEST_CASE("test_collector_health: textfile series that repeat a collector's or each other are refused") {
  TempTree t;
  t.write("proc/loadavg", "0.50 0.25 0.10 1/100 42\n");
  t.write("textfile/a.prom", "# TYPE node_load1 gauge\nnode_load1 99\n# TYPE app_up gauge\napp_up{x=\"1\"} 1\n");
  t.write("textfile/b.prom", "# TYPE app_up gauge\napp_up{x=\"1\"} 2\napp_up{x=\"2\"} 3\n");
  static Config c;
  load_config(c, {{"path.procfs", t.path("proc")}, {"collector.textfile.directory", t.path("textfile")}});
  Snapshot s;
  SnapshotLimits lim;
  REQUIRE(s.init(lim));
  static char scratch[kScratchBytes];
  uint64_t mask = (uint64_t{1} << find_collector("loadavg")) | (uint64_t{1} << find_collector("textfile"));
  run_collectors(c, mask, s, scratch, sizeof scratch);
  CHECK(collector_outcome(static_cast<size_t>(find_collector("textfile"))) == CollectorOutcome::Ok);
  CHECK(s.duplicates() == 1);  // node_load1 from a.prom; b.prom's app_up{x="1"} the textfile collector drops itself
  s.finish();
  static char buf[65536];
  OutBuffer out(buf, sizeof buf);
  render_exposition(s, ExpositionFormat::Text004, kAllCollectors, out);
  std::string text(out.view());
  CHECK(text.find("node_load1 0.5\n") != std::string::npos);
  CHECK(text.find("node_load1 99") == std::string::npos);
  CHECK(text.find("app_up{x=\"1\"} 1\n") != std::string::npos);
  CHECK(text.find("app_up{x=\"2\"} 3\n") != std::string::npos);
}

TEST_CASE("test_collector_health: a source that worked and went away is a failure, not unsupported") {
  TempTree t;
  for (const char* d : {"proc", "sys", "root", "cgroup", "udev", "textfile"}) t.mkdir(d);
  t.write("sys/class/hwmon/hwmon0/name", "gone\n");
  t.write("sys/class/hwmon/hwmon0/temp1_input", "42000\n");
  int id = find_collector("hwmon");
  REQUIRE(id >= 0);
  run_all(t);
  REQUIRE(collector_outcome(static_cast<size_t>(id)) == CollectorOutcome::Ok);
  std::filesystem::remove_all(t.path("sys/class/hwmon"));
  run_all(t, false);
  CHECK(collector_outcome(static_cast<size_t>(id)) == CollectorOutcome::Failed);
}

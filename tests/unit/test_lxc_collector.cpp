// The lxc collector over small cgroup v2 trees written by the test:
// discovery, restart detection (counters never step back), the container
// cap, stopped containers, and the "LXC absent" outcome.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "collect/collector.hpp"
#include "collect/lxc/discovery.hpp"
#include "collect/lxc/lxc.hpp"
#include "collect/registry.hpp"
#include "config/load.hpp"
#include "core/out_buffer.hpp"
#include "metrics/render.hpp"
#include "metrics/snapshot.hpp"

using namespace edgestat;

namespace {

struct Tree {
  std::string root;
  Tree() {
    char tmpl[] = "/tmp/edgestat-lxc-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    root = tmpl;
    write("proc/stat", "btime 1767225600\n");
    write("cgroup/cgroup.controllers", "cpu memory pids\n");
    write("proc/net/unix", "Num       RefCount Protocol Flags    Type St Inode Path\n");
  }
  ~Tree() { std::filesystem::remove_all(root); }
  void write(const std::string& rel, const std::string& content) const {
    std::filesystem::path p = root + "/" + rel;
    std::filesystem::create_directories(p.parent_path());
    FILE* f = std::fopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  }
  void remove(const std::string& rel) const { std::filesystem::remove_all(root + "/" + rel); }
  // A running container NAME with init PID started at START ticks, cpu
  // usage USAGE microseconds.
  void container(const std::string& name, int pid, long start, long usage) const {
    write("root/var/lib/lxc/" + name + "/config", "lxc.uts.name = " + name + "\n");
    std::string cg = "cgroup/lxc.payload." + name + "/";
    write(cg + "cgroup.procs", std::to_string(pid) + "\n");
    write(cg + "cpu.stat", "usage_usec " + std::to_string(usage) + "\nuser_usec 0\nsystem_usec 0\n");
    write(cg + "memory.current", "1048576\n");
    write(cg + "memory.max", "max\n");
    std::string p = "proc/" + std::to_string(pid) + "/";
    write(p + "stat", std::to_string(pid) + " (init) S 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 " +
                          std::to_string(start) + " 0 0\n");
    write(p + "status", "Name:\tinit\nNSpid:\t" + std::to_string(pid) + "\t1\n");
    write(p + "cgroup", "0::/lxc.payload." + name + "\n");
  }
  void sockets(std::initializer_list<std::string> names) const {
    std::string s = "Num       RefCount Protocol Flags    Type St Inode Path\n";
    int i = 0;
    for (const std::string& n : names)
      s += "0000000000000000: 00000002 00000000 00010000 0001 01 " + std::to_string(1000 + i++) +
           " @/var/lib/lxc/" + n + "/command\n";
    write("proc/net/unix", s);
  }
};

struct Run {
  Config cfg;
  Snapshot snap;
  char scratch[65536];
  std::string text;
  Run(const Tree& t, std::initializer_list<std::pair<const char*, const char*>> flags = {}) {
    ConfigErrors errs;
    ConfigLoader l(cfg, errs, collector_names());
    l.apply_defaults();
    l.apply_flag("path.procfs", t.root + "/proc", true);
    l.apply_flag("path.sysfs", t.root + "/sys", true);
    l.apply_flag("path.rootfs", t.root + "/root", true);
    l.apply_flag("path.cgroupfs", t.root + "/cgroup", true);
    for (auto& f : flags) l.apply_flag(f.first, f.second, true);
    REQUIRE(errs.empty());
    REQUIRE(snap.init(SnapshotLimits{}));
  }
  Status collect() {
    snap.clear();
    CollectContext ctx{cfg, snap, scratch, sizeof scratch};
    Status st = collect_lxc(ctx);
    snap.finish();
    static char body[1 << 20];
    OutBuffer out(body, sizeof body);
    render_exposition(snap, ExpositionFormat::Text004, kAllCollectors, out);
    text.assign(out.view());
    return st;
  }
  bool has(const std::string& line) const { return text.find(line + "\n") != std::string::npos; }
};

}  // namespace

TEST_CASE("running and stopped containers; restart keeps counters monotonic") {
  lxc::release_slots(lxc::discovery());
  Tree t;
  t.container("a", 100, 5000, 3000000);
  t.container("b", 200, 6000, 1000000);
  t.sockets({"a", "b"});
  Run r(t);
  REQUIRE(r.collect());
  CHECK(r.has("lxc_container_running{name=\"a\"} 1"));
  CHECK(r.has("lxc_cpu_usage_seconds_total{name=\"a\"} 3"));
  CHECK(r.has("lxc_container_start_time_seconds{name=\"a\"} 1.76722565e+09"));
  CHECK(r.has("lxc_container_info{name=\"b\",hostname=\"b\",cgroup=\"/lxc.payload.b\",runtime=\"lxc\"} 1"));
  // memory.max is "max": the limit family is absent, not zero.
  CHECK(r.text.find("lxc_spec_memory_limit_bytes") == std::string::npos);

  // b stops: running 0, no usage series.
  t.sockets({"a"});
  REQUIRE(r.collect());
  CHECK(r.has("lxc_container_running{name=\"b\"} 0"));
  CHECK(r.text.find("lxc_cpu_usage_seconds_total{name=\"b\"}") == std::string::npos);

  // a restarts (new init, new start time, its counters start from 0.5 s):
  // the exported counter continues from 3 s.
  t.remove("proc/100");
  t.container("a", 300, 9000, 500000);
  REQUIRE(r.collect());
  CHECK(r.has("lxc_cpu_usage_seconds_total{name=\"a\"} 3.5"));
  CHECK(r.has("lxc_container_start_time_seconds{name=\"a\"} 1.76722569e+09"));
  t.container("a", 300, 9000, 700000);
  REQUIRE(r.collect());
  CHECK(r.has("lxc_cpu_usage_seconds_total{name=\"a\"} 3.7"));

  // Stopped containers can be left out altogether.
  Run quiet(t, {{"collector.lxc.report-stopped", "false"}});
  REQUIRE(quiet.collect());
  CHECK(quiet.text.find("name=\"b\"") == std::string::npos);
  CHECK(quiet.has("lxc_container_running{name=\"a\"} 1"));
}

TEST_CASE("the cap: excess containers are counted, not tracked") {
  lxc::release_slots(lxc::discovery());
  Tree t;
  for (int i = 0; i < 5; ++i) t.container("c" + std::to_string(i), 100 + i, 1000, 1000);
  t.sockets({"c0", "c1", "c2", "c3", "c4"});
  Run r(t, {{"collector.lxc.max-containers", "3"}});
  REQUIRE(r.collect());
  CHECK(r.has("lxc_containers_untracked 2"));
  size_t running = 0;
  for (size_t p = r.text.find("lxc_container_running{"); p != std::string::npos;
       p = r.text.find("lxc_container_running{", p + 1))
    ++running;
  CHECK(running == 3);
  lxc::release_slots(lxc::discovery());
}

TEST_CASE("a name collision suffix and a cgroup.procs without the init") {
  lxc::release_slots(lxc::discovery());
  Tree t;
  t.container("x", 100, 1000, 2000000);
  // LXC found a stale lxc.payload.x and used lxc.payload.x-1.
  std::filesystem::rename(t.root + "/cgroup/lxc.payload.x", t.root + "/cgroup/lxc.payload.x-1");
  t.write("cgroup/lxc.payload.x/cgroup.procs", "");
  t.write("proc/100/cgroup", "0::/lxc.payload.x-1\n");
  t.sockets({"x"});
  Run r(t);
  REQUIRE(r.collect());
  CHECK(r.has("lxc_container_info{name=\"x\",hostname=\"x\",cgroup=\"/lxc.payload.x-1\",runtime=\"lxc\"} 1"));
  CHECK(r.has("lxc_cpu_usage_seconds_total{name=\"x\"} 2"));
  // Socket there but no init anywhere (starting up): not running.
  t.write("cgroup/lxc.payload.x-1/cgroup.procs", "");
  t.remove("proc/100");
  REQUIRE(r.collect());
  CHECK(r.has("lxc_container_running{name=\"x\"} 0"));
  lxc::release_slots(lxc::discovery());
}

TEST_CASE("no lxcpath and no Proxmox directory: unsupported, not failed") {
  lxc::release_slots(lxc::discovery());
  Tree t;
  Run r(t);
  Status st = r.collect();
  CHECK_FALSE(st);
  CHECK(st.unsupported());
  lxc::release_slots(lxc::discovery());
}

// scale/ actuators: cgroup writes read back (v1 and v2, the ordering of
// memory.high/max and memsw), a write that reads back otherwise is an error;
// the LXC config rewrite and its durable replace; the pct argv contract.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "scale/cgroup_actuator.hpp"
#include "scale/lxc_config_edit.hpp"
#include "scale/pct_argv.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {

std::string tmpdir() {
  char t[] = "/tmp/scale_act_XXXXXX";
  REQUIRE(mkdtemp(t) != nullptr);
  return t;
}
void put(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}
std::string get(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return "(missing)";
  char buf[20000];
  size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  return std::string(buf, n);
}
CgroupTarget target(const std::string& dir, bool v2) {
  CgroupTarget t;
  t.v2 = v2;
  t.cpu_dir.assign(dir);
  t.mem_dir.assign(dir);
  return t;
}

}  // namespace

TEST_CASE("cgroup v2: cpu.max keeps the period; memory grows max then high, shrinks high first") {
  std::string d = tmpdir();
  put(d + "/cpu.max", "max 50000\n");
  put(d + "/memory.max", "268435456\n");
  put(d + "/memory.high", "max\n");
  CgroupTarget t = target(d, true);
  ApplyOutcome o = apply_cpu(t, 1.5);
  CHECK(o.ok);
  CHECK(get(d + "/cpu.max") == "75000 50000");
  o = apply_memory(t, 256.0 * 1048576, 512.0 * 1048576);
  CHECK(o.ok);
  CHECK(get(d + "/memory.max") == "536870912");
  CHECK(get(d + "/memory.high") == "536870912");
  // Shrink: high takes the new size, max keeps the size just proven safe.
  o = apply_memory(t, 512.0 * 1048576, 384.0 * 1048576);
  CHECK(o.ok);
  CHECK(get(d + "/memory.high") == "402653184");
  CHECK(get(d + "/memory.max") == "536870912");
}

TEST_CASE("cgroup v1: quota over the file's period; memsw keeps the swap allowance in a valid order") {
  std::string d = tmpdir();
  put(d + "/cpu.cfs_period_us", "50000\n");
  put(d + "/cpu.cfs_quota_us", "-1\n");
  put(d + "/memory.limit_in_bytes", "268435456\n");
  put(d + "/memory.memsw.limit_in_bytes", "335544320\n");  // +64 MiB swap
  CgroupTarget t = target(d, false);
  CHECK(apply_cpu(t, 2).ok);
  CHECK(get(d + "/cpu.cfs_quota_us") == "100000");
  CHECK(apply_memory(t, 256.0 * 1048576, 512.0 * 1048576).ok);
  CHECK(get(d + "/memory.limit_in_bytes") == "536870912");
  CHECK(get(d + "/memory.memsw.limit_in_bytes") == std::to_string(576LL * 1048576));
  CHECK(cores_to_quota_us(0.0001, 100000) == kMinQuotaUs);
}

TEST_CASE("a write that fails or reads back another value is an error, never done") {
  std::string d = tmpdir();
  CgroupTarget t = target(d, false);
  // Missing file: the write fails.
  ApplyOutcome o = apply_cpu(t, 1);
  CHECK_FALSE(o.ok);
  CHECK(o.error.view().find("cpu.cfs_quota_us") != std::string_view::npos);
  // /dev/null accepts the write and reads back nothing: unconfirmed.
  REQUIRE(symlink("/dev/null", (d + "/cpu.cfs_quota_us").c_str()) == 0);
  o = apply_cpu(t, 1);
  CHECK_FALSE(o.ok);
  CHECK(o.error.view().find("read back") != std::string_view::npos);
  // v2 memory.high unreadable after writing max: the grow is not done.
  std::string e = tmpdir();
  put(e + "/memory.max", "100\n");
  REQUIRE(symlink("/dev/null", (e + "/memory.high").c_str()) == 0);
  CHECK_FALSE(apply_memory(target(e, true), 100, 1048576).ok);
}

TEST_CASE("LXC config rewrite: in place, duplicates dropped, missing appended, the rest byte for byte") {
  PersistRequest req;
  limit_lines(true, 1.5, 512.0 * 1048576, &req);
  REQUIRE(req.n == 2);
  std::string in =
      "# managed by hand\n"
      "lxc.uts.name = web\n"
      "lxc.cgroup2.cpu.max = 50000 100000\n"
      "lxc.net.0.type = veth\n"
      "lxc.cgroup2.cpu.max = max 100000\n"
      "lxc.rootfs.path = dir:/var/lib/lxc/web/rootfs";  // no final newline
  char out[kMaxConfigBytes];
  size_t len = 0;
  REQUIRE(rewrite_limits(in, req, out, sizeof out, &len));
  CHECK(std::string(out, len) ==
        "# managed by hand\n"
        "lxc.uts.name = web\n"
        "lxc.cgroup2.cpu.max = 150000 100000\n"
        "lxc.net.0.type = veth\n"
        "lxc.rootfs.path = dir:/var/lib/lxc/web/rootfs\n"
        "lxc.cgroup2.memory.max = 536870912\n");
  limit_lines(false, 2, 0, &req);
  REQUIRE(req.n == 2);
  REQUIRE(rewrite_limits("lxc.cgroup.cpu.cfs_quota_us = 50000\n", req, out, sizeof out, &len));
  CHECK(std::string(out, len) ==
        "lxc.cgroup.cpu.cfs_quota_us = 200000\nlxc.cgroup.cpu.cfs_period_us = 100000\n");
  // Too small an output is refused, not cut.
  CHECK_FALSE(rewrite_limits(in, req, out, 20, &len));
}

TEST_CASE("persist_limits replaces the config durably; bad names are refused") {
  std::string root = tmpdir();
  REQUIRE(mkdir((root + "/ct1").c_str(), 0755) == 0);
  put(root + "/ct1/config", "lxc.uts.name = ct1\nlxc.cgroup.memory.limit_in_bytes = 1\n");
  PersistRequest req;
  limit_lines(false, 0, 256.0 * 1048576, &req);
  static char a[kMaxConfigBytes], b[kMaxConfigBytes];
  CHECK(persist_limits(root, "ct1", req, a, b));
  CHECK(get(root + "/ct1/config") == "lxc.uts.name = ct1\nlxc.cgroup.memory.limit_in_bytes = 268435456\n");
  CHECK(access((root + "/ct1/.config.edgestat-tmp").c_str(), F_OK) != 0);  // no temp left
  // The same size again (persisted after a restart): the file is not
  // rewritten (same inode; a rewrite renames a new one into place).
  struct stat before {}, after {};
  REQUIRE(stat((root + "/ct1/config").c_str(), &before) == 0);
  CHECK(persist_limits(root, "ct1", req, a, b));
  REQUIRE(stat((root + "/ct1/config").c_str(), &after) == 0);
  CHECK(before.st_ino == after.st_ino);
  limit_lines(false, 0, 512.0 * 1048576, &req);
  CHECK(persist_limits(root, "ct1", req, a, b));
  REQUIRE(stat((root + "/ct1/config").c_str(), &after) == 0);
  CHECK(before.st_ino != after.st_ino);
  CHECK(get(root + "/ct1/config") == "lxc.uts.name = ct1\nlxc.cgroup.memory.limit_in_bytes = 536870912\n");
  CHECK_FALSE(persist_limits(root, "../etc", req, a, b));
  CHECK_FALSE(persist_limits(root, "missing", req, a, b));
  CHECK_FALSE(valid_container_name("a/b"));
  CHECK_FALSE(valid_container_name(".."));
  CHECK_FALSE(valid_container_name("x y"));
  CHECK(valid_container_name("ct-1.web_2"));
}

// Contract: pct(1) "pct set <vmid> [OPTIONS]", -cores <integer> (1 - 8192),
// -cpulimit <number> (0 - 8192), -memory <integer> (16 - N) MiB. There is
// no Proxmox host here: this checks the argv against that syntax only.
TEST_CASE("pct set argv matches pct's documented syntax") {
  PctArgv a;
  REQUIRE(build_pct_set("101", 1.5, 1024.0 * 1048576, &a));
  REQUIRE(a.argc == 9);
  const char* want[] = {"pct", "set", "101", "-cores", "2", "-cpulimit", "1.5", "-memory", "1024"};
  for (size_t i = 0; i < 9; ++i) CHECK(std::string(a.argv[i]) == want[i]);
  CHECK(a.argv[9] == nullptr);
  REQUIRE(build_pct_set("200", 0, 512.0 * 1048576, &a));
  CHECK(a.argc == 5);
  CHECK(std::string(a.argv[3]) == "-memory");
  CHECK(std::string(a.argv[4]) == "512");
  CHECK_FALSE(build_pct_set("0101", 1, 0, &a));  // not a VMID
  CHECK_FALSE(build_pct_set("101; reboot", 1, 0, &a));
  CHECK_FALSE(build_pct_set("101", 0, 8.0 * 1048576, &a));  // below pct's 16 MiB
  CHECK_FALSE(build_pct_set("101", 9000, 0, &a));
  CHECK_FALSE(build_pct_set("101", 0, 0, &a));
}

// The read-back: what `pct set` wrote must show in VMID.conf as Proxmox
// writes it ("cores: 2", "cpulimit: 1.5", "memory: 1024"); text in that
// format, no Proxmox host here.
TEST_CASE("pct read-back: VMID.conf must show every value pct set") {
  lxc::PveConfig pve;
  parse_pve_config("arch: amd64\ncores: 2\ncpulimit: 1.5\nhostname: web\nmemory: 1024\nswap: 512\n", &pve);
  CHECK(pct_config_shows(pve, 1.5, 1024.0 * 1048576));
  CHECK(pct_config_shows(pve, 1.5, 0));                        // memory not set: not checked
  CHECK(pct_config_shows(pve, 0, 1024.0 * 1048576 + 4096));    // set as whole MiB
  CHECK_FALSE(pct_config_shows(pve, 1.25, 1024.0 * 1048576));  // cpulimit differs
  CHECK_FALSE(pct_config_shows(pve, 2.5, 0));                  // cores would be 3
  CHECK_FALSE(pct_config_shows(pve, 0, 2048.0 * 1048576));     // memory differs
  lxc::PveConfig none;
  parse_pve_config("arch: amd64\nhostname: web\n", &none);
  CHECK_FALSE(pct_config_shows(none, 1, 0));  // no cores/cpulimit line: not written
  CHECK_FALSE(pct_config_shows(none, 0, 512.0 * 1048576));
  // A value only in [pve:pending] is not in force.
  lxc::PveConfig pending;
  parse_pve_config("cores: 1\ncpulimit: 1\n[pve:pending]\ncpulimit: 2\ncores: 2\n", &pending);
  CHECK_FALSE(pct_config_shows(pending, 2, 0));
  CHECK(pct_config_shows(pending, 1, 0));
}

// Pure cgroup/procfs parsers of the lxc collector, fed real, truncated,
// oversized and hostile input.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "collect/lxc/cgroup_parse.hpp"
#include "core/hash.hpp"

using namespace edgestat;
using namespace edgestat::lxc;

namespace {

// Every prefix of text, plus bytes flipped to junk: a parser must never
// read past its view or crash; results are ignored.
template <class F>
void every_prefix(const std::string& text, F f) {
  for (size_t i = 0; i <= text.size(); ++i) {
    std::string cut = text.substr(0, i);
    f(std::string_view(cut));  // a copy, so ASan sees reads past the end
  }
  std::string junk = text;
  for (size_t i = 0; i < junk.size(); i += 7) junk[i] = static_cast<char>(0xff - i);
  f(std::string_view(junk));
}

}  // namespace

TEST_CASE("flat keyed files: found keys, unknown keys, malformed and huge values") {
  std::string_view keys[] = {"usage_usec", "user_usec", "system_usec", "nr_periods"};
  uint64_t v[4] = {};
  uint64_t f = parse_flat_keyed("usage_usec 42413\nuser_usec 9425\nsystem_usec 32988\nnice_usec 0\n", keys, 4, v);
  CHECK(f == 7);
  CHECK(v[0] == 42413);
  CHECK(v[2] == 32988);
  // 2^64-1 fits, 2^64 does not; a trailing token or a missing value is refused.
  f = parse_flat_keyed("usage_usec 18446744073709551615\nuser_usec 18446744073709551616\nsystem_usec\nnr_periods 1 2",
                       keys, 4, v);
  CHECK(f == 1);
  CHECK(v[0] == UINT64_MAX);
  CHECK(parse_flat_keyed("", keys, 4, v) == 0);
  CHECK(parse_flat_keyed("usage_usec -1\n", keys, 4, v) == 0);
  CHECK(parse_flat_keyed("usage_usec 12", keys, 4, v) == 1);  // no final newline
  every_prefix("usage_usec 42413\nuser_usec 9425\nsystem_usec 32988\nnr_periods 3\n",
               [&](std::string_view s) { parse_flat_keyed(s, keys, 4, v); });
}

TEST_CASE("limits: numbers, max, -1 and v1's huge 'unlimited'") {
  bool unl = false;
  CHECK(parse_limit("536870912\n", &unl) == 536870912u);
  CHECK_FALSE(unl);
  CHECK(parse_limit("max\n", &unl).has_value());
  CHECK(unl);
  CHECK(parse_limit("-1", &unl).has_value());
  CHECK(unl);
  CHECK(parse_limit("9223372036854771712", &unl).has_value());
  CHECK(unl);
  CHECK_FALSE(parse_limit("", &unl));
  CHECK_FALSE(parse_limit("ma", &unl));
  CHECK_FALSE(parse_limit("12 13", &unl));
  CHECK_FALSE(parse_limit("99999999999999999999999", &unl));
}

TEST_CASE("cpu.max: quota in cores, max, malformed") {
  double c = 0;
  bool unl = true;
  REQUIRE(parse_cpu_max("150000 100000\n", &c, &unl));
  CHECK(c == doctest::Approx(1.5));
  CHECK_FALSE(unl);
  REQUIRE(parse_cpu_max("max 100000", &c, &unl));
  CHECK(unl);
  CHECK_FALSE(parse_cpu_max("max", &c, &unl));
  CHECK_FALSE(parse_cpu_max("100 0", &c, &unl));
  CHECK_FALSE(parse_cpu_max("", &c, &unl));
  CHECK_FALSE(parse_cpu_max("1 2 3", &c, &unl));
  CHECK_FALSE(parse_cpu_max("x 100000", &c, &unl));
  every_prefix("150000 100000\n", [&](std::string_view s) { parse_cpu_max(s, &c, &unl); });
}

TEST_CASE("cpuset lists") {
  CHECK(parse_cpuset_count("0-3\n") == 4u);
  CHECK(parse_cpuset_count("0,2") == 2u);
  CHECK(parse_cpuset_count("0-1,4,6-7") == 5u);
  CHECK(parse_cpuset_count("\n") == 0u);
  CHECK_FALSE(parse_cpuset_count("3-1"));
  CHECK_FALSE(parse_cpuset_count("0-"));
  CHECK_FALSE(parse_cpuset_count("-3"));
  CHECK_FALSE(parse_cpuset_count("a"));
  CHECK_FALSE(parse_cpuset_count("0-99999999999"));
  every_prefix("0-1,4,6-7\n", [](std::string_view s) { parse_cpuset_count(s); });
}

TEST_CASE("cpu.shares maps onto cpu.weight") {
  CHECK(shares_to_weight(1024) == 100);
  CHECK(shares_to_weight(2048) == 200);
  CHECK(shares_to_weight(2) == 1);
  CHECK(shares_to_weight(0) == 1);
  CHECK(shares_to_weight(262144) == 10000);
  CHECK(shares_to_weight(UINT64_MAX) == 10000);
}

TEST_CASE("io.stat and v1 blkio") {
  IoDevice d[kMaxIoDevices];
  size_t dropped = 0;
  size_t n = parse_io_stat(
      "8:0 rbytes=1459200 wbytes=3145728 rios=35 wios=8 dbytes=0 dios=0\n"
      "253:0 rbytes=1 wbytes=2 rios=3 wios=4\n"
      "bogus line\n8:16 rbytes=x\n",
      d, kMaxIoDevices, &dropped);
  REQUIRE(n == 2);
  CHECK(d[0].major == 8);
  CHECK(d[0].rbytes == 1459200);
  CHECK(d[1].wios == 4);
  // More devices than room: the rest is counted.
  std::string many;
  for (int i = 0; i < 20; ++i) many += "8:" + std::to_string(i) + " rbytes=1 wbytes=1 rios=1 wios=1\n";
  dropped = 0;
  CHECK(parse_io_stat(many, d, kMaxIoDevices, &dropped) == kMaxIoDevices);
  CHECK(dropped == 4);
  std::string v1b = "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 1\n8:0 Async 2\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n";
  std::string v1n = "8:0 Read 1\n8:0 Write 2\nTotal 3\n";
  n = parse_blkio_v1(v1b, true, d, 0, kMaxIoDevices, &dropped);
  n = parse_blkio_v1(v1n, false, d, n, kMaxIoDevices, &dropped);
  REQUIRE(n == 1);
  CHECK(d[0].rbytes == 4096);
  CHECK(d[0].wbytes == 8192);
  CHECK(d[0].rios == 1);
  CHECK(d[0].wios == 2);
  CHECK(parse_blkio_v1("Total 0\n", true, d, 0, kMaxIoDevices, &dropped) == 0);
  every_prefix(many, [&](std::string_view s) { parse_io_stat(s, d, kMaxIoDevices, &dropped); });
  every_prefix(v1b, [&](std::string_view s) { parse_blkio_v1(s, true, d, 0, kMaxIoDevices, &dropped); });
}

TEST_CASE("/proc/PID/cgroup: v1 hybrid, co-mounted controllers, v2") {
  ProcCgroup pc;
  REQUIRE(parse_proc_cgroup("9:name=systemd:/lxc.payload.a\n8:pids:/lxc.payload.a\n4:memory:/lxc.payload.a\n"
                            "2:cpu,cpuacct:/lxc.payload.a-1\n0::/lxc.payload.a\n",
                            &pc));
  CHECK(pc.path[kCpu] == "/lxc.payload.a-1");
  CHECK(pc.path[kCpuacct] == "/lxc.payload.a-1");
  CHECK(pc.path[kMemory] == "/lxc.payload.a");
  CHECK(pc.path[kUnified] == "/lxc.payload.a");
  CHECK(pc.path[kBlkio].empty());
  REQUIRE(parse_proc_cgroup("0::/lxc/101/ns\n", &pc));
  CHECK(pc.path[kUnified] == "/lxc/101/ns");
  // A path with a colon stays whole (only the first two colons split).
  REQUIRE(parse_proc_cgroup("0::/a:b\n", &pc));
  CHECK(pc.path[kUnified] == "/a:b");
  CHECK_FALSE(parse_proc_cgroup("", &pc));
  CHECK_FALSE(parse_proc_cgroup("garbage\n:::\nx:cpu:/a\n", &pc));
  every_prefix("9:name=systemd:/x\n2:cpu,cpuacct:/x\n0::/x\n", [&](std::string_view s) { parse_proc_cgroup(s, &pc); });
}

TEST_CASE("/proc/PID/stat start time survives hostile comm") {
  std::string st = "1997 (init) S 1980 1997 1997 0 -1 4194560 420 0 0 0 0 3 0 0 20 0 1 0 412300 2211840 233 "
                   "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  CHECK(parse_pid_starttime(st) == 412300u);
  std::string evil = "12 (a) b ) c) S 1 12 12 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0\n";
  CHECK(parse_pid_starttime(evil) == 777u);
  CHECK_FALSE(parse_pid_starttime("12 (x) S 1 2 3"));
  CHECK_FALSE(parse_pid_starttime("no parens"));
  every_prefix(st, [](std::string_view s) { parse_pid_starttime(s); });
}

TEST_CASE("status NSpid, pid lists, btime, unix sockets") {
  CHECK(parse_status_is_ns_init("Name:\tinit\nNSpid:\t1997\t1\n"));
  CHECK_FALSE(parse_status_is_ns_init("Name:\tsh\nNSpid:\t2001\t57\n"));
  CHECK(parse_status_is_ns_init("Name:\tsystemd\nNSpid:\t1\n"));  // the host init too; never in a container cgroup
  CHECK_FALSE(parse_status_is_ns_init("Name:\tx\n"));
  CHECK_FALSE(parse_status_is_ns_init("NSpid:\t12\t11"));
  int32_t pids[4];
  CHECK(parse_pid_list("12\n13\n14\n15\n16\n", pids, 4) == 4);
  CHECK(parse_pid_list("12\nx\n14\n", pids, 4) == 1);
  CHECK(parse_pid_list("", pids, 4) == 0);
  CHECK(parse_pid_list("0\n", pids, 4) == 0);
  CHECK(parse_pid_list("99999999999\n", pids, 4) == 0);
  CHECK(parse_btime("cpu 1 2\nbtime 1767225600\nprocesses 9\n") == 1767225600u);
  CHECK_FALSE(parse_btime("cpu 1 2\n"));
  CHECK(parse_unix_abstract_path("00000000e410f947: 00000002 00000000 00010000 0001 01 390813 @/var/lib/lxc/a/command") ==
        "/var/lib/lxc/a/command");
  CHECK(parse_unix_abstract_path("00000000e410f947: 00000002 00000000 00010000 0001 01 390813 /run/x.sock").empty());
  CHECK(parse_unix_abstract_path("00000000e410f947: 00000002 00000000 00010000 0001 01 390813").empty());
  CHECK(parse_unix_abstract_path("Num RefCount Protocol Flags Type St Inode Path").empty());
  every_prefix("00000000e410f947: 00000002 00000000 00010000 0001 01 390813 @/var/lib/lxc/a/command\n",
               [](std::string_view s) { parse_unix_abstract_path(s); });
}

TEST_CASE("LXC command socket names, direct and hashed") {
  FixedString<128> s;
  REQUIRE(lxc_command_socket_name("/var/lib/lxc", "web", &s));
  CHECK(s == "/var/lib/lxc/web/command");
  // FNV-1a 64 of a known string (reference value of the algorithm).
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  std::string longpath = "/srv/" + std::string(100, 'p');
  REQUIRE(lxc_command_socket_name(longpath, "c1", &s));
  CHECK(s.view().substr(0, 4) == "lxc/");
  CHECK(s.size() == 4 + 16 + 8);
  CHECK(s.view().substr(20) == "/command");
}

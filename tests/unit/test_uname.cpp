#include <doctest/doctest.h>

#include <fstream>
#include <sys/utsname.h>

#include <filesystem>
#include <string>

#include "collect/host/host.hpp"
#include "collect/host/uname_parse.hpp"
#include "collector_harness.hpp"

using namespace edgestat;
using namespace edgestat::test;

namespace {
void write_uts(const TempTree& t, bool with_arch = true) {
  t.write("proc/sys/kernel/ostype", "Linux\n");
  t.write("proc/sys/kernel/osrelease", "6.6.51+rpt-rpi-v8\n");
  t.write("proc/sys/kernel/version", "#1 SMP PREEMPT Debian 1:6.6.51-1+rpt3 (2024-10-08)\n");
  t.write("proc/sys/kernel/hostname", "raspberrypi\n");
  t.write("proc/sys/kernel/domainname", "(none)\n");
  if (with_arch) t.write("proc/sys/kernel/arch", "aarch64\n");
}

// Escapes a label value as the text format does (\\, \", \n).
std::string esc(std::string_view v) {
  std::string o;
  for (char c : v) {
    if (c == '\\')
      o += "\\\\";
    else if (c == '"')
      o += "\\\"";
    else if (c == '\n')
      o += "\\n";
    else
      o += c;
  }
  return o;
}
}  // namespace

TEST_CASE("test_uname: parse_uts_value") {
  std::string_view v;
  REQUIRE(parse_uts_value("vm\n", &v));
  CHECK(v == "vm");
  REQUIRE(parse_uts_value("vm", &v));  // no newline (hand-made fixture)
  CHECK(v == "vm");
  REQUIRE(parse_uts_value("", &v));
  CHECK(v.empty());
  // Only the kernel's one newline goes: blanks of the value itself stay.
  REQUIRE(parse_uts_value("#1 SMP PREEMPT_DYNAMIC @0 \n", &v));
  CHECK(v == "#1 SMP PREEMPT_DYNAMIC @0 ");
  REQUIRE(parse_uts_value("a\nb\n", &v));
  CHECK(v == "a\nb");
  REQUIRE(parse_uts_value("x\n\n", &v));
  CHECK(v == "x\n");
  // 64 bytes is the kernel's limit; 65 cannot come from uname(2).
  std::string max(64, 'h');
  REQUIRE(parse_uts_value(max + "\n", &v));
  CHECK(v.size() == 64);
  CHECK_FALSE(parse_uts_value(max + "h\n", &v));
  CHECK_FALSE(parse_uts_value(std::string(100000, 'h'), &v));
  CHECK_FALSE(parse_uts_value(std::string("ab\0c\n", 5), &v));

  char field[8] = {'a', 'b', 0, 'x', 0, 0, 0, 0};
  CHECK(uts_field(field, sizeof field) == "ab");
  char full[4] = {'a', 'b', 'c', 'd'};  // no NUL: bounded by the array
  CHECK(uts_field(full, sizeof full) == "abcd");
}

TEST_CASE("test_uname: collector output from a procfs tree") {
  TempTree t;
  write_uts(t);
  Run r(collect_uname, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.text ==
        "# HELP node_uname_info Labeled system information as provided by the uname system call.\n"
        "# TYPE node_uname_info gauge\n"
        "node_uname_info{domainname=\"(none)\",machine=\"aarch64\",nodename=\"raspberrypi\","
        "release=\"6.6.51+rpt-rpi-v8\",sysname=\"Linux\",version=\"#1 SMP PREEMPT Debian 1:6.6.51-1+rpt3 "
        "(2024-10-08)\"} 1\n");
}

TEST_CASE("test_uname: hostile values are escaped, oversized refused") {
  TempTree t;
  write_uts(t);
  t.write("proc/sys/kernel/hostname", "we\"ird\\host\nname\n");
  Run r(collect_uname, t.root + "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.contains("nodename=\"we\\\"ird\\\\host\\nname\""));
  t.write("proc/sys/kernel/hostname", std::string(65, 'x') + "\n");
  Run big(collect_uname, t.root + "/proc");
  CHECK_FALSE(big.ok);
  CHECK(big.err.find("hostname") != std::string::npos);
  CHECK(big.text.empty());
}

TEST_CASE("test_uname: a missing file in a plain directory is an error, not uname(2)") {
  TempTree t;
  write_uts(t, false);  // kernel < 6.1 capture: no arch
  Run r(collect_uname, t.root + "/proc");
  CHECK_FALSE(r.ok);
  CHECK(r.err.find("arch") != std::string::npos);
  CHECK(r.text.empty());
}

TEST_CASE("test_uname: the live /proc gives exactly uname(2)") {
  struct utsname u;
  REQUIRE(::uname(&u) == 0);
  Run r(collect_uname, "/proc");
  REQUIRE_MESSAGE(r.ok, r.err);
  // Under qemu-user (the cross-build tests) uname(2) reports the emulated
  // CPU while the host kernel's kernel/arch names the real one: compare
  // machine with what the kernel says in that case, every other field as is.
  std::string machine = u.machine;
  std::ifstream arch("/proc/sys/kernel/arch");
  std::string kernel_arch;
  if (arch && std::getline(arch, kernel_arch) && kernel_arch != machine) {
    MESSAGE("uname(2) machine ", machine, " differs from kernel/arch ", kernel_arch, " (emulated); using kernel/arch");
    machine = kernel_arch;
  }
  std::string want = "node_uname_info{domainname=\"" + esc(u.domainname) + "\",machine=\"" + esc(machine.c_str()) +
                     "\",nodename=\"" + esc(u.nodename) + "\",release=\"" + esc(u.release) + "\",sysname=\"" +
                     esc(u.sysname) + "\",version=\"" + esc(u.version) + "\"} 1\n";
  CHECK(r.contains(want));
  // Whether or not this kernel has kernel/arch (Linux >= 6.1), the result
  // is the same: a missing file on a real procfs falls back to uname(2).
  MESSAGE("kernel/arch present: ", std::filesystem::exists("/proc/sys/kernel/arch"));
}

TEST_CASE("test_uname: missing files on a real procfs fall back to uname(2)") {
  // /proc/self is on a procfs mount but has no sys/kernel/ below it, so
  // every field takes the fallback path a kernel < 6.1 takes for arch.
  struct utsname u;
  REQUIRE(::uname(&u) == 0);
  Run r(collect_uname, "/proc/self");
  REQUIRE_MESSAGE(r.ok, r.err);
  CHECK(r.contains("node_uname_info{domainname=\"" + esc(u.domainname) + "\",machine=\"" + esc(u.machine) +
              "\",nodename=\"" + esc(u.nodename) + "\",release=\"" + esc(u.release) + "\",sysname=\"" +
              esc(u.sysname) + "\",version=\"" + esc(u.version) + "\"} 1\n"));
}

TEST_CASE("test_uname: fixtures") {
  Run vm(collect_uname, fixture("vm/proc"));
  REQUIRE_MESSAGE(vm.ok, vm.err);
  CHECK(vm.contains("machine=\"x86_64\",nodename=\"vm\""));
  CHECK(vm.contains("domainname=\"(none)\""));
  Run ow(collect_uname, fixture("openwrt/proc"));
  REQUIRE_MESSAGE(ow.ok, ow.err);
  CHECK(ow.contains("nodename=\"OpenWrt\""));
}

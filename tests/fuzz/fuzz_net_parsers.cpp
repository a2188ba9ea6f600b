// libFuzzer target for the parsers of the collectors added for node_exporter
// 1.12 parity: netstat/snmp/snmp6, sockstat, softnet, arp, udp queues,
// schedstat, cpuinfo, CPU lists, interrupts, /proc/<pid>/stat and OpenWrt's
// release and cpuinfo "system".
//
// Input: one selector byte, then the file's text (as fuzz_proc_parsers).
// Seeds in tests/fuzz/corpus/net_parsers/ are fixture files behind their
// selector byte (tests/fuzz/make_seeds.sh writes them).
//
// Invariants besides crashes and sanitizer reports: every view returned
// lies inside the input (or the caller's buffer), counts stay within
// their capacities, and parsing the same text twice gives the same answer.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "collect/host/arp_parse.hpp"
#include "collect/host/cpu_list_parse.hpp"
#include "collect/host/cpuinfo_parse.hpp"
#include "collect/host/interrupts_parse.hpp"
#include "collect/host/netstat_parse.hpp"
#include "collect/host/openwrt_parse.hpp"
#include "collect/host/processes_parse.hpp"
#include "collect/host/schedstat_parse.hpp"
#include "collect/host/sockstat_parse.hpp"
#include "collect/host/softnet_parse.hpp"
#include "collect/host/udp_queues_parse.hpp"
#include "fuzz_check.hpp"

using namespace edgestat;
using fuzz::inside;

namespace {

constexpr size_t kCap = 64;

void netstat(std::string_view text, bool snmp6) {
  static NetstatField a[kCap], b[kCap];
  NetstatError ea, eb;
  std::string_view ba, bb;
  size_t na = snmp6 ? parse_snmp6(text, a, kCap, &ea, &ba) : parse_netstat(text, a, kCap, &ea, &ba);
  size_t nb = snmp6 ? parse_snmp6(text, b, kCap, &eb, &bb) : parse_netstat(text, b, kCap, &eb, &bb);
  FUZZ_CHECK(na == nb && ea == eb && na <= kCap);
  for (size_t i = 0; i < na; ++i) {
    FUZZ_CHECK(inside(a[i].protocol, text) && inside(a[i].name, text) && !a[i].name.empty());
    FUZZ_CHECK(a[i].name == b[i].name && (a[i].value == b[i].value || a[i].value != a[i].value));
  }
  if (ea != NetstatError::None) FUZZ_CHECK(inside(ba, text));
}

void sockstat(std::string_view text) {
  SockstatFile f, g;
  SockstatProto p[8], q[8];
  std::string_view bad;
  bool ok = parse_sockstat(text, &f, p, 8, &bad);
  FUZZ_CHECK(ok == parse_sockstat(text, &g, q, 8, &bad));
  if (!ok) return;
  FUZZ_CHECK(f.nprotos <= 8 && f.nprotos == g.nprotos);
  for (size_t i = 0; i < f.nprotos; ++i) FUZZ_CHECK(inside(p[i].protocol, text));
}

void softnet(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    SoftnetLine a, b;
    bool ok = parse_softnet_line(line, 7, &a);
    FUZZ_CHECK(ok == parse_softnet_line(line, 7, &b));
    if (ok) FUZZ_CHECK(a.processed == b.processed && a.cpu == b.cpu);
  });
}

void arp(std::string_view text) {
  ArpDeviceCount d[8];
  ArpError err;
  std::string_view bad;
  size_t n = parse_arp(text, d, 8, &err, &bad);
  FUZZ_CHECK(n <= 8);
  for (size_t i = 0; i < n; ++i) FUZZ_CHECK(inside(d[i].device, text) && d[i].entries > 0);
}

void udp(std::string_view text) {
  UdpQueues a, b;
  std::string_view bad;
  bool ok = parse_udp_queues(text, &a, &bad);
  FUZZ_CHECK(ok == parse_udp_queues(text, &b, &bad));
  if (ok) FUZZ_CHECK(a.tx == b.tx && a.rx == b.rx);
}

void schedstat(std::string_view text) {
  fuzz::for_each_line(text, [](std::string_view line) {
    SchedstatCpu c;
    if (parse_schedstat_line(line, &c)) FUZZ_CHECK(inside(c.cpu, line) && !c.cpu.empty());
  });
}

void cpuinfo(std::string_view text) {
  static CpuInfoEntry e[16];
  CpuInfoError err;
  std::string_view bad;
  size_t n = parse_cpuinfo(text, e, 16, &err, &bad);
  FUZZ_CHECK(n <= 16);
  for (size_t i = 0; i < n; ++i) {
    FUZZ_CHECK(inside(e[i].model_name, text) || e[i].model_name.empty() || e[i].processor == "0");
    FUZZ_CHECK(inside(e[i].flags, text) || e[i].flags.empty());
  }
}

void cpu_list(std::string_view text) {
  uint32_t c[64];
  size_t n = parse_cpu_list(text, c, 64);
  FUZZ_CHECK(n == SIZE_MAX || n <= 64);
  if (n != SIZE_MAX)
    for (size_t i = 0; i < n; ++i) FUZZ_CHECK(c[i] <= kMaxCpuListCpu && cpu_list_contains(text, c[i]));
}

void interrupts(std::string_view text) {
  static InterruptLine l;
  char info[32], dev[32];
  std::string_view header = text.substr(0, text.find('\n'));
  size_t ncpus = parse_interrupts_header(header);
  FUZZ_CHECK(ncpus <= kMaxInterruptCpus);
  fuzz::for_each_line(text, [&](std::string_view line) {
    if (!parse_interrupts_line(line, ncpus, &l, info, sizeof info, dev, sizeof dev)) return;
    FUZZ_CHECK(inside(l.name, line) && l.info.size() <= sizeof info && l.devices.size() <= sizeof dev);
    for (size_t i = 0; i < ncpus; ++i) FUZZ_CHECK(inside(l.values[i], line) && !l.values[i].empty());
  });
}

void pid_stat(std::string_view text) {
  PidStat s;
  if (parse_pid_stat(text, &s)) FUZZ_CHECK(inside(s.state, text) && !s.state.empty());
}

void openwrt(std::string_view text) {
  OpenwrtRelease r;
  parse_openwrt_release(text, &r);
  FUZZ_CHECK((r.id.empty() || inside(r.id, text)) && (r.target.empty() || inside(r.target, text)));
  FixedString<128> s;
  openwrt_system(text, "mips", &s);
  FUZZ_CHECK(s.size() <= 128);
  FUZZ_CHECK(inside(sysinfo_first_line(text), text) || text.empty());
}

using Parser = void (*)(std::string_view);
constexpr Parser kParsers[] = {
    [](std::string_view t) { netstat(t, false); },  // 0  /proc/net/netstat, snmp
    [](std::string_view t) { netstat(t, true); },   // 1  /proc/net/snmp6
    sockstat,                                       // 2  /proc/net/sockstat{,6}
    softnet,                                        // 3  /proc/net/softnet_stat
    arp,                                            // 4  /proc/net/arp
    udp,                                            // 5  /proc/net/udp{,6}
    schedstat,                                      // 6  /proc/schedstat
    cpuinfo,                                        // 7  /proc/cpuinfo
    cpu_list,                                       // 8  /sys/devices/system/cpu/{offline,isolated}
    interrupts,                                     // 9  /proc/interrupts
    pid_stat,                                       // 10 /proc/<pid>/stat
    openwrt,                                        // 11 /etc/openwrt_release, cpuinfo
};
constexpr size_t kNumParsers = sizeof kParsers / sizeof kParsers[0];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1u << 20)) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  kParsers[data[0] % kNumParsers](text);
  return 0;
}

// libFuzzer target for the lxc collector's parsers: cgroup v1/v2 files and
// the procfs files it reads (src/collect/lxc/cgroup_parse.hpp), and LXC /
// Proxmox container configs (src/collect/lxc/config_parse.hpp).
//
// Input: one selector byte, then the file's text (see kParsers). Seeds are
// the files under tests/fixtures/lxc-v1/ behind their selector byte
// (tests/fuzz/make_seeds.sh).
//
// Invariants: counts within capacities, views inside the text, fixed
// strings within capacity (an overflow flagged, never cut), determinism.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "collect/lxc/cgroup_parse.hpp"
#include "collect/lxc/config_parse.hpp"
#include "core/number.hpp"
#include "fuzz_check.hpp"

using namespace edgestat;
using namespace edgestat::lxc;
using fuzz::inside;

namespace {

void flat_keyed(std::string_view text) {
  static constexpr std::string_view keys[] = {"usage_usec", "user_usec", "system_usec", "nr_periods",
                                              "nr_throttled", "throttled_usec", "anon", "file", "cache", "rss",
                                              "total_inactive_file", "inactive_file", "oom_kill", "oom", "max",
                                              "user", "system", "under_oom"};
  constexpr size_t n = sizeof keys / sizeof keys[0];
  uint64_t v[n] = {}, v2[n] = {};
  uint64_t bits = parse_flat_keyed(text, keys, n, v);
  FUZZ_CHECK(bits >> n == 0);
  FUZZ_CHECK(bits == parse_flat_keyed(text, keys, n, v2));
  for (size_t i = 0; i < n; ++i)
    if ((bits >> i) & 1) FUZZ_CHECK(v[i] == v2[i]);
}

void limits(std::string_view text) {
  bool unlimited = false;
  (void)parse_limit(text, &unlimited);
  double cores = 0;
  bool unl = false;
  if (parse_cpu_max(text, &cores, &unl) && !unl) FUZZ_CHECK(cores >= 0 && !std::isnan(cores));
  if (auto c = parse_cpuset_count(text)) FUZZ_CHECK(c == parse_cpuset_count(text));
  if (auto s = parse_u64(text)) {
    uint64_t w = shares_to_weight(*s);
    FUZZ_CHECK(w >= 1 && w <= 10000);
  }
}

void io(std::string_view text) {
  IoDevice dev[kMaxIoDevices];
  size_t dropped = 0;
  size_t n = parse_io_stat(text, dev, kMaxIoDevices, &dropped);
  FUZZ_CHECK(n <= kMaxIoDevices);
  IoDevice small[2];
  size_t d2 = 0;
  FUZZ_CHECK(parse_io_stat(text, small, 2, &d2) <= 2);
  // v1: bytes then ios into the same table, as the collector sums them.
  size_t dv1 = 0;
  size_t m = parse_blkio_v1(text, true, dev, 0, kMaxIoDevices, &dv1);
  FUZZ_CHECK(m <= kMaxIoDevices);
  m = parse_blkio_v1(text, false, dev, m, kMaxIoDevices, &dv1);
  FUZZ_CHECK(m <= kMaxIoDevices);
  m = parse_blkio_v1(text, false, small, 0, 1, &dv1);
  FUZZ_CHECK(m <= 1);
}

void proc_files(std::string_view text) {
  ProcCgroup pc;
  if (parse_proc_cgroup(text, &pc))
    for (std::string_view p : pc.path) FUZZ_CHECK(inside(p, text));
  (void)parse_pid_starttime(text);
  (void)parse_status_is_ns_init(text);
  (void)parse_btime(text);
  int32_t pids[32];
  FUZZ_CHECK(parse_pid_list(text, pids, 32) <= 32);
  FUZZ_CHECK(parse_pid_list(text, pids, 1) <= 1);
  fuzz::for_each_line(text, [](std::string_view line) {
    std::string_view p = parse_unix_abstract_path(line);
    FUZZ_CHECK(inside(p, line));
    // The name after the '@' that marks an abstract socket.
    if (!p.empty()) FUZZ_CHECK(p.data() > line.data() && p.data()[-1] == '@');
  });
}

void socket_name(std::string_view text) {
  size_t z = text.find('\0');
  std::string_view lxcpath = text.substr(0, z);
  std::string_view name = z == std::string_view::npos ? std::string_view("c1") : text.substr(z + 1);
  FixedString<128> out;
  if (lxc_command_socket_name(lxcpath, name, &out)) FUZZ_CHECK(!out.empty() && out.size() <= out.capacity());
}

void lxc_config(std::string_view text) {
  static LxcConfig a, b;
  a = LxcConfig{};
  b = LxcConfig{};
  uint32_t n = parse_lxc_config(text, &a);
  FUZZ_CHECK(n == parse_lxc_config(text, &b));
  FUZZ_CHECK(a.nets <= kMaxConfigNets);
  FUZZ_CHECK(a.uts_name.view() == b.uts_name.view() && a.cgroup_dir.view() == b.cgroup_dir.view());
  if (a.has_cpu_quota) FUZZ_CHECK(a.cpu_quota_cores >= 0 && !std::isnan(a.cpu_quota_cores));
  fuzz::for_each_line(text, [](std::string_view line) {
    std::string_view k, v;
    if (parse_lxc_config_line(line, &k, &v)) FUZZ_CHECK(!k.empty() && inside(k, line) && inside(v, line));
  });
}

void pve_config(std::string_view text) {
  PveConfig a, b;
  uint32_t n = parse_pve_config(text, &a);
  FUZZ_CHECK(n == parse_pve_config(text, &b));
  FUZZ_CHECK(a.hostname.view() == b.hostname.view() && a.memory_bytes == b.memory_bytes);
  if (a.has_cpulimit) FUZZ_CHECK(a.cpulimit >= 0 && !std::isnan(a.cpulimit));
  if (is_vmid(text)) FUZZ_CHECK(text.size() >= 1 && text.size() <= 9 && text[0] != '0');
}

using Parser = void (*)(std::string_view);
// The selector byte's meaning; append only, so seeds keep their parser.
constexpr Parser kParsers[] = {
    flat_keyed,   // 0 cpu.stat, memory.stat, memory.events, cpuacct.stat, oom_control
    limits,       // 1 memory.max / limit_in_bytes, cpu.max, cpuset.cpus, cpu.shares
    io,           // 2 io.stat, blkio.throttle.io_service{_bytes,d}
    proc_files,   // 3 /proc/PID/{cgroup,stat,status}, cgroup.procs, /proc/stat, /proc/net/unix
    socket_name,  // 4 lxcpath NUL name
    lxc_config,   // 5 /var/lib/lxc/NAME/config
    pve_config,   // 6 /etc/pve/lxc/VMID.conf
};
constexpr size_t kNumParsers = sizeof kParsers / sizeof kParsers[0];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1u << 20)) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  kParsers[data[0] % kNumParsers](text);
  return 0;
}

// The lxc collector: discovery (discovery.cpp), cgroup reading
// (cgroup_read.cpp) and here the lxc_* families, cAdvisor/LXD style. Every
// container series carries name (plus vmid on Proxmox). Counters go
// through the restart guard so they never step back; a value the layout
// cannot provide is absent, never zero. README.md ("LXC container metrics") lists the
// families with their v1 and v2 sources.
#include "collect/lxc/lxc.hpp"

#include <unistd.h>

#include "collect/host/netdev_parse.hpp"
#include "collect/lxc/cgroup_read.hpp"
#include "collect/lxc/discovery.hpp"
#include "collect/lxc/observer.hpp"
#include "config/config.hpp"
#include "core/hash.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

using namespace lxc;

constexpr MetricType G = MetricType::Gauge, C = MetricType::Counter;

// Counter families are indexed (kCounters[i]) so the guard can key them.
constexpr FamilyDesc kInfo{"lxc_container_info", "Container metadata; always 1.", G};
constexpr FamilyDesc kRunning{"lxc_container_running", "1 if the container is running, 0 if stopped.", G};
constexpr FamilyDesc kStart{"lxc_container_start_time_seconds", "Start time of the container's init, Unix seconds.", G};
constexpr FamilyDesc kQuota{"lxc_spec_cpu_quota_cores", "CPU bandwidth limit in cores (absent when unlimited).", G};
constexpr FamilyDesc kWeight{"lxc_spec_cpu_weight", "CPU weight, 1-10000 (v1 cpu.shares converted).", G};
constexpr FamilyDesc kCpuset{"lxc_spec_cpuset_cpus", "Number of CPUs the container may run on.", G};
constexpr FamilyDesc kMemUsage{"lxc_memory_usage_bytes", "Memory charged to the container, page cache included.", G};
constexpr FamilyDesc kMemWs{"lxc_memory_working_set_bytes", "Memory usage minus inactive file cache.", G};
constexpr FamilyDesc kMemStat{"lxc_memory_stat_bytes", "Memory by type from memory.stat.", G};
constexpr FamilyDesc kSwap{"lxc_memory_swap_usage_bytes", "Swap used by the container.", G};
constexpr FamilyDesc kMemLimit{"lxc_spec_memory_limit_bytes", "Memory limit (absent when unlimited).", G};
constexpr FamilyDesc kMemHigh{"lxc_spec_memory_high_bytes", "Memory high throttling threshold (v2; absent when unlimited).", G};
constexpr FamilyDesc kSwapLimit{"lxc_spec_memory_swap_limit_bytes", "Swap limit (absent when unlimited).", G};
constexpr FamilyDesc kPidsCur{"lxc_pids_current", "Number of tasks in the container.", G};
constexpr FamilyDesc kPidsLimit{"lxc_spec_pids_limit", "Task limit (absent when unlimited).", G};
constexpr FamilyDesc kUntracked{"lxc_containers_untracked",
                                "Containers found but not tracked: more than [collector.lxc] max_containers, or a "
                                "name repeated across lxcpaths.", G};
constexpr FamilyDesc kUnguarded{"lxc_unguarded_counters_total",
                                "Counter samples exported without restart protection (per-container table full).", C};

enum CounterId : uint8_t {
  kCpuUsage, kCpuUser, kCpuSystem, kCfsPeriods, kCfsThrottled, kCfsThrottledSec, kMemEventsId,
  kIoRead, kIoWritten, kIoReads, kIoWrites,
  kNetRxBytes, kNetRxPackets, kNetRxErrors, kNetRxDropped, kNetTxBytes, kNetTxPackets, kNetTxErrors, kNetTxDropped,
  kPsi0, kCounterCount = kPsi0 + kPsiCount
};
constexpr FamilyDesc kCounters[kCounterCount] = {
    {"lxc_cpu_usage_seconds_total", "CPU time consumed by the container.", C},
    {"lxc_cpu_user_seconds_total", "CPU time consumed in user mode.", C},
    {"lxc_cpu_system_seconds_total", "CPU time consumed in kernel mode.", C},
    {"lxc_cpu_cfs_periods_total", "Elapsed CFS enforcement periods.", C},
    {"lxc_cpu_cfs_throttled_periods_total", "CFS periods in which the container was throttled.", C},
    {"lxc_cpu_cfs_throttled_seconds_total", "Time the container was throttled by its CPU quota.", C},
    {"lxc_memory_events_total", "Memory events: high/max limit hits, OOM and OOM kills.", C},
    {"lxc_io_read_bytes_total", "Bytes read from the block device.", C},
    {"lxc_io_written_bytes_total", "Bytes written to the block device.", C},
    {"lxc_io_reads_total", "Read operations on the block device.", C},
    {"lxc_io_writes_total", "Write operations on the block device.", C},
    {"lxc_network_receive_bytes_total", "Bytes received by the container's interface.", C},
    {"lxc_network_receive_packets_total", "Packets received by the container's interface.", C},
    {"lxc_network_receive_errors_total", "Receive errors on the container's interface.", C},
    {"lxc_network_receive_dropped_total", "Received packets dropped on the container's interface.", C},
    {"lxc_network_transmit_bytes_total", "Bytes sent by the container's interface.", C},
    {"lxc_network_transmit_packets_total", "Packets sent by the container's interface.", C},
    {"lxc_network_transmit_errors_total", "Transmit errors on the container's interface.", C},
    {"lxc_network_transmit_dropped_total", "Transmitted packets dropped on the container's interface.", C},
    {"lxc_pressure_cpu_waiting_seconds_total", "Time some of the container's tasks waited for CPU.", C},
    {"lxc_pressure_cpu_stalled_seconds_total", "Time all non-idle tasks of the container waited for CPU.", C},
    {"lxc_pressure_memory_waiting_seconds_total", "Time some of the container's tasks waited for memory.", C},
    {"lxc_pressure_memory_stalled_seconds_total", "Time all non-idle tasks of the container waited for memory.", C},
    {"lxc_pressure_io_waiting_seconds_total", "Time some of the container's tasks waited for I/O.", C},
    {"lxc_pressure_io_stalled_seconds_total", "Time all non-idle tasks of the container waited for I/O.", C},
};

// Interfaces per container reported from its /proc/PID/net/dev.
constexpr size_t kMaxIfaces = 8;
constexpr double kUserHz = 100.0;

uint64_t g_btime = 0;  // boot time, read once: it does not change

class Emitter {
 public:
  Emitter(CollectContext& ctx, Discovery& d, Container& ct) : ctx_(ctx), d_(d), ct_(ct) {
    base_[n_++] = {"name", display_name(ct)};
    if (ct.is_pve) base_[n_++] = {"vmid", ct.vmid.view()};
  }
  void gauge(const FamilyDesc& f, double v, Label extra = {}) { add(f, v, extra); }
  void gauge(const FamilyDesc& f, const std::optional<double>& v, Label extra = {}) {
    if (v) add(f, *v, extra);
  }
  void counter(CounterId id, const std::optional<double>& v, Label extra = {}) {
    if (!v) return;
    uint64_t key = (uint64_t{id} << 56) ^ fnv1a64(extra.name) ^ (fnv1a64(extra.value) >> 8);
    add(kCounters[id], guard_counter(d_, ct_, key, *v), extra);
  }
  void info(std::string_view hostname, std::string_view cgroup, std::string_view runtime) {
    Label l[6];
    size_t n = 0;
    for (size_t i = 0; i < n_; ++i) l[n++] = base_[i];
    l[n++] = {"hostname", hostname};
    l[n++] = {"cgroup", cgroup};
    l[n++] = {"runtime", runtime};
    ctx_.out.add(kInfo, 1, l, n);
  }

 private:
  void add(const FamilyDesc& f, double v, Label extra) {
    Label l[3];
    size_t n = 0;
    for (size_t i = 0; i < n_; ++i) l[n++] = base_[i];
    if (!extra.name.empty()) l[n++] = extra;
    ctx_.out.add(f, v, l, n);
  }
  CollectContext& ctx_;
  Discovery& d_;
  Container& ct_;
  Label base_[2];
  size_t n_ = 0;
};

std::string_view layout_ref_path(const Discovery& d, const Container& ct) {
  if (d.layout == Layout::V2) return ct.path[kUnified].view();
  for (Controller k : {kMemory, kCpuacct, kCpu, kPids})
    if (!ct.path[k].empty()) return ct.path[k].view();
  return {};
}

// Block device name from <sysfs>/dev/block/MAJ:MIN (a link ending in the
// name), else "MAJ:MIN".
std::string_view device_name(const Config& c, const IoDevice& io, char* buf, size_t cap) {
  char majmin[24];
  size_t n = format_u64(io.major, majmin);
  majmin[n++] = ':';
  n += format_u64(io.minor, majmin + n);
  std::string_view name(majmin, n);
  char link[kMaxPath];
  PathBuf p;
  if (join_path(p, {c.path.sysfs.view(), "/dev/block/", name})) {
    ssize_t r = ::readlink(p.c_str(), link, sizeof link);
    if (r > 0 && static_cast<size_t>(r) < sizeof link) {
      std::string_view l(link, static_cast<size_t>(r));
      size_t slash = l.rfind('/');
      std::string_view base = slash == std::string_view::npos ? l : l.substr(slash + 1);
      if (!base.empty()) name = base;
    }
  }
  if (name.size() > cap) return {};
  for (size_t i = 0; i < name.size(); ++i) buf[i] = name[i];
  return {buf, name.size()};
}

void emit_network(CollectContext& ctx, Emitter& e, const Container& ct) {
  char num[16];
  size_t len = format_u64(static_cast<uint64_t>(ct.pid), num), n = 0;
  PathBuf p;
  if (!join_path(p, {ctx.config.path.procfs.view(), "/", std::string_view(num, len), "/net/dev"}) ||
      !read_file(p.c_str(), ctx.scratch, ctx.scratch_cap, &n))
    return;
  Scanner lines(std::string_view(ctx.scratch, n));
  lines.line();
  lines.line();  // two header lines
  size_t ifaces = 0;
  while (!lines.at_end() && ifaces < kMaxIfaces) {
    NetDevLine l;
    if (parse_netdev_line(lines.line(), &l) != NetDevParse::Ok || l.name == "lo") continue;
    ++ifaces;
    Label iface{"interface", l.name};
    // Columns: bytes packets errs drop, the same four for both directions.
    for (int i = 0; i < 4; ++i) {
      e.counter(static_cast<CounterId>(kNetRxBytes + i), static_cast<double>(l.rx[i]), iface);
      e.counter(static_cast<CounterId>(kNetTxBytes + i), static_cast<double>(l.tx[i]), iface);
    }
  }
}

void emit_running(CollectContext& ctx, Discovery& d, Container& ct, Emitter& e) {
  const Config& c = ctx.config;
  if (g_btime == 0) {
    PathBuf p;
    size_t n = 0;
    if (join_path(p, {c.path.procfs.view(), "/stat"}) && read_file(p.c_str(), ctx.scratch, ctx.scratch_cap, &n))
      g_btime = parse_btime(std::string_view(ctx.scratch, n)).value_or(0);
  }
  if (g_btime) e.gauge(kStart, static_cast<double>(g_btime) + static_cast<double>(ct.starttime) / kUserHz);

  ContainerStats s;
  read_stats(d.layout, c.path.cgroupfs.view(), ct, ctx.scratch, ctx.scratch_cap, &s);
  notify_stats_observer(d, ct, &s);  // the autoscaler's input: no second reader
  e.counter(kCpuUsage, s.cpu_usage);
  e.counter(kCpuUser, s.cpu_user);
  e.counter(kCpuSystem, s.cpu_system);
  e.counter(kCfsPeriods, s.cfs_periods);
  e.counter(kCfsThrottled, s.cfs_throttled_periods);
  e.counter(kCfsThrottledSec, s.cfs_throttled_seconds);
  e.gauge(kQuota, s.quota_cores);
  e.gauge(kWeight, s.cpu_weight);
  e.gauge(kCpuset, s.cpuset_cpus);
  e.gauge(kMemUsage, s.mem_usage);
  e.gauge(kMemWs, s.mem_working_set);
  for (int i = 0; i < kMemTypes; ++i) e.gauge(kMemStat, s.mem_stat[i], {"type", kMemTypeNames[i]});
  e.gauge(kSwap, s.swap_usage);
  e.gauge(kMemLimit, s.mem_limit);
  e.gauge(kMemHigh, s.mem_high);
  e.gauge(kSwapLimit, s.swap_limit);
  for (int i = 0; i < kMemEvents; ++i) e.counter(kMemEventsId, s.mem_events[i], {"event", kMemEventNames[i]});
  char names[kMaxIoDevices][64];
  for (size_t i = 0; i < s.nio; ++i) {
    const IoDevice& io = s.io[i];
    Label dev{"device", device_name(c, io, names[i], sizeof names[i])};
    e.counter(kIoRead, static_cast<double>(io.rbytes), dev);
    e.counter(kIoWritten, static_cast<double>(io.wbytes), dev);
    e.counter(kIoReads, static_cast<double>(io.rios), dev);
    e.counter(kIoWrites, static_cast<double>(io.wios), dev);
  }
  e.gauge(kPidsCur, s.pids_current);
  e.gauge(kPidsLimit, s.pids_limit);
  for (int i = 0; i < kPsiCount; ++i) e.counter(static_cast<CounterId>(kPsi0 + i), s.psi[i]);
  emit_network(ctx, e, ct);
}

// A stopped container's cgroup is gone: its limits come from its config.
void emit_stopped_spec(const Container& ct, Emitter& e) {
  if (ct.is_pve) {
    if (ct.pve.has_memory) e.gauge(kMemLimit, static_cast<double>(ct.pve.memory_bytes));
    if (ct.pve.has_swap) e.gauge(kSwapLimit, static_cast<double>(ct.pve.swap_bytes));
    if (ct.pve.has_cpulimit && ct.pve.cpulimit > 0) e.gauge(kQuota, ct.pve.cpulimit);
    if (ct.pve.has_cores) e.gauge(kCpuset, static_cast<double>(ct.pve.cores));
    return;
  }
  if (ct.cfg.has_memory_limit) e.gauge(kMemLimit, static_cast<double>(ct.cfg.memory_limit));
  if (ct.cfg.has_cpu_quota) e.gauge(kQuota, ct.cfg.cpu_quota_cores);
}

}  // namespace

Status collect_lxc(CollectContext& ctx) {
  Discovery& d = discovery();
  if (Status st = discover(d, ctx.config, ctx.scratch, ctx.scratch_cap); !st) return st;
  for (uint32_t i = 0; i < d.live; ++i) {
    Container& ct = d.slots[i];
    if (ct.used && !ct.running) notify_stats_observer(d, ct, nullptr);
    if (!ct.used || (!ct.running && !ctx.config.lxc.report_stopped)) continue;
    Emitter e(ctx, d, ct);
    std::string_view hostname = ct.is_pve ? ct.pve.hostname.view() : ct.cfg.uts_name.view();
    if (hostname.empty()) hostname = ct.name.view();
    e.info(hostname, ct.running ? layout_ref_path(d, ct) : std::string_view(), ct.is_pve ? "proxmox" : "lxc");
    e.gauge(kRunning, ct.running ? 1 : 0);
    if (ct.running) {
      emit_running(ctx, d, ct, e);
    } else {
      emit_stopped_spec(ct, e);
    }
  }
  ctx.out.add(kUntracked, d.untracked);
  ctx.out.add(kUnguarded, static_cast<double>(d.guard_misses));
  return Status::ok();
}

}  // namespace edgestat

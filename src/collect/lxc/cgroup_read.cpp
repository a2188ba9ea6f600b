#include "collect/lxc/cgroup_read.hpp"

#include "collect/host/pressure_parse.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat::lxc {

const std::string_view kMemTypeNames[kMemTypes] = {
    "anon",        "file",          "kernel",         "kernel_stack", "pagetables",   "sock",
    "shmem",       "file_mapped",   "file_dirty",     "file_writeback", "swapcached", "active_anon",
    "inactive_anon", "active_file", "inactive_file",  "unevictable",  "slab_reclaimable", "slab_unreclaimable"};
const std::string_view kMemEventNames[kMemEvents] = {"high", "max", "oom", "oom_kill"};

namespace {

constexpr double kUserHz = 100.0;  // cpuacct.stat is in USER_HZ ticks

// v1 memory.stat keys (hierarchical totals) for the same types; empty:
// v1 has no such counter.
constexpr std::string_view kV1MemKeys[kMemTypes] = {
    "total_rss",         "total_cache",         "", "", "", "", "total_shmem", "total_mapped_file",
    "total_dirty",       "total_writeback",     "total_swapcached", "total_active_anon", "total_inactive_anon",
    "total_active_file", "total_inactive_file", "total_unevictable", "", ""};

struct Reader {
  std::string_view cgroupfs;
  char* scratch;
  size_t cap;

  // <cgroupfs><ctrl_dir><path>/<file> into scratch, whitespace-trimmed.
  bool read(std::string_view ctrl_dir, const CgroupRel& path, std::string_view file, std::string_view* out) const {
    if (path.empty()) return false;
    PathBuf p;
    size_t n = 0;
    if (!join_path(p, {cgroupfs, ctrl_dir, path.view(), "/", file})) return false;
    if (!read_file(p.c_str(), scratch, cap, &n)) return false;
    *out = trim(std::string_view(scratch, n));
    return true;
  }
  std::optional<uint64_t> u64(std::string_view ctrl_dir, const CgroupRel& path, std::string_view file) const {
    std::string_view t;
    if (!read(ctrl_dir, path, file, &t)) return std::nullopt;
    return parse_u64(t);
  }
  // A limit: nullopt when unreadable, malformed or unlimited.
  std::optional<uint64_t> limit(std::string_view ctrl_dir, const CgroupRel& path, std::string_view file) const {
    std::string_view t;
    bool unlimited = false;
    if (!read(ctrl_dir, path, file, &t)) return std::nullopt;
    auto v = parse_limit(t, &unlimited);
    if (!v || unlimited) return std::nullopt;
    return v;
  }
};

std::optional<double> d(std::optional<uint64_t> v, double scale = 1.0) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v) / scale;
}

void read_psi(const Reader& r, std::string_view dir, const CgroupRel& path, ContainerStats* s) {
  constexpr std::string_view kFiles[3] = {"cpu.pressure", "memory.pressure", "io.pressure"};
  for (int i = 0; i < 3; ++i) {
    std::string_view t;
    PsiTotals p;
    if (!r.read(dir, path, kFiles[i], &t) || !parse_psi(t, &p)) continue;
    if (p.has_some) s->psi[2 * i] = psi_seconds(p.some_total);
    if (p.has_full) s->psi[2 * i + 1] = psi_seconds(p.full_total);
  }
}

void working_set(ContainerStats* s) {
  if (!s->mem_usage) return;
  double inactive = s->mem_stat[kMemInactiveFile].value_or(0);
  s->mem_working_set = *s->mem_usage > inactive ? *s->mem_usage - inactive : 0;
}

void read_v2(const Reader& r, const Container& ct, ContainerStats* s) {
  const CgroupRel& p = ct.path[kUnified];
  std::string_view t;
  if (r.read("", p, "cpu.stat", &t)) {
    constexpr std::string_view kKeys[] = {"usage_usec", "user_usec",    "system_usec",
                                          "nr_periods", "nr_throttled", "throttled_usec"};
    uint64_t v[6] = {};
    uint64_t f = parse_flat_keyed(t, kKeys, 6, v);
    if (f & 1) s->cpu_usage = v[0] / 1e6;
    if (f & 2) s->cpu_user = v[1] / 1e6;
    if (f & 4) s->cpu_system = v[2] / 1e6;
    // The cfs lines appear only with the cpu controller enabled.
    if (f & 8) s->cfs_periods = static_cast<double>(v[3]);
    if (f & 16) s->cfs_throttled_periods = static_cast<double>(v[4]);
    if (f & 32) s->cfs_throttled_seconds = v[5] / 1e6;
  }
  if (r.read("", p, "cpu.max", &t)) {
    double cores = 0;
    bool unlimited = false;
    if (parse_cpu_max(t, &cores, &unlimited) && !unlimited) s->quota_cores = cores;
  }
  s->cpu_weight = d(r.u64("", p, "cpu.weight"));
  if (r.read("", p, "cpuset.cpus.effective", &t))
    if (auto n = parse_cpuset_count(t)) s->cpuset_cpus = static_cast<double>(*n);
  s->mem_usage = d(r.u64("", p, "memory.current"));
  if (r.read("", p, "memory.stat", &t)) {
    uint64_t v[kMemTypes] = {};
    uint64_t f = parse_flat_keyed(t, kMemTypeNames, kMemTypes, v);
    for (int i = 0; i < kMemTypes; ++i)
      if ((f >> i) & 1) s->mem_stat[i] = static_cast<double>(v[i]);
  }
  working_set(s);
  s->swap_usage = d(r.u64("", p, "memory.swap.current"));
  s->mem_limit = d(r.limit("", p, "memory.max"));
  s->mem_high = d(r.limit("", p, "memory.high"));
  s->swap_limit = d(r.limit("", p, "memory.swap.max"));
  if (r.read("", p, "memory.events", &t)) {
    uint64_t v[kMemEvents] = {};
    uint64_t f = parse_flat_keyed(t, kMemEventNames, kMemEvents, v);
    for (int i = 0; i < kMemEvents; ++i)
      if ((f >> i) & 1) s->mem_events[i] = static_cast<double>(v[i]);
  }
  if (r.read("", p, "io.stat", &t)) {
    s->has_io = true;
    s->nio = parse_io_stat(t, s->io, kMaxIoDevices, &s->io_dropped);
  }
  s->pids_current = d(r.u64("", p, "pids.current"));
  s->pids_limit = d(r.limit("", p, "pids.max"));
  read_psi(r, "", p, s);
}

void read_v1(const Reader& r, Layout layout, const Container& ct, ContainerStats* s) {
  std::string_view t;
  const CgroupRel& acct = ct.path[kCpuacct];
  s->cpu_usage = d(r.u64("/cpuacct", acct, "cpuacct.usage"), 1e9);
  if (r.read("/cpuacct", acct, "cpuacct.stat", &t)) {
    constexpr std::string_view kKeys[] = {"user", "system"};
    uint64_t v[2] = {};
    uint64_t f = parse_flat_keyed(t, kKeys, 2, v);
    if (f & 1) s->cpu_user = v[0] / kUserHz;
    if (f & 2) s->cpu_system = v[1] / kUserHz;
  }
  const CgroupRel& cpu = ct.path[kCpu];
  if (r.read("/cpu", cpu, "cpu.stat", &t)) {
    constexpr std::string_view kKeys[] = {"nr_periods", "nr_throttled", "throttled_time"};
    uint64_t v[3] = {};
    uint64_t f = parse_flat_keyed(t, kKeys, 3, v);
    if (f & 1) s->cfs_periods = static_cast<double>(v[0]);
    if (f & 2) s->cfs_throttled_periods = static_cast<double>(v[1]);
    if (f & 4) s->cfs_throttled_seconds = v[2] / 1e9;
  }
  auto quota = r.limit("/cpu", cpu, "cpu.cfs_quota_us");
  auto period = r.u64("/cpu", cpu, "cpu.cfs_period_us");
  if (quota && period && *period > 0) s->quota_cores = static_cast<double>(*quota) / static_cast<double>(*period);
  if (auto shares = r.u64("/cpu", cpu, "cpu.shares")) s->cpu_weight = static_cast<double>(shares_to_weight(*shares));
  const CgroupRel& cs = ct.path[kCpuset];
  if (r.read("/cpuset", cs, "cpuset.effective_cpus", &t) || r.read("/cpuset", cs, "cpuset.cpus", &t))
    if (auto n = parse_cpuset_count(t)) s->cpuset_cpus = static_cast<double>(*n);

  const CgroupRel& mem = ct.path[kMemory];
  auto usage = r.u64("/memory", mem, "memory.usage_in_bytes");
  s->mem_usage = d(usage);
  if (r.read("/memory", mem, "memory.stat", &t)) {
    uint64_t v[kMemTypes] = {};
    uint64_t f = parse_flat_keyed(t, kV1MemKeys, kMemTypes, v);
    for (int i = 0; i < kMemTypes; ++i)
      if (!kV1MemKeys[i].empty() && ((f >> i) & 1)) s->mem_stat[i] = static_cast<double>(v[i]);
  }
  s->mem_stat[kMemKernel] = d(r.u64("/memory", mem, "memory.kmem.usage_in_bytes"));
  working_set(s);
  // memsw is memory plus swap; present only with swap accounting on.
  auto memsw = r.u64("/memory", mem, "memory.memsw.usage_in_bytes");
  if (usage && memsw) s->swap_usage = static_cast<double>(*memsw > *usage ? *memsw - *usage : 0);
  auto lim = r.limit("/memory", mem, "memory.limit_in_bytes");
  s->mem_limit = d(lim);
  auto swlim = r.limit("/memory", mem, "memory.memsw.limit_in_bytes");
  if (lim && swlim) s->swap_limit = static_cast<double>(*swlim > *lim ? *swlim - *lim : 0);
  s->mem_events[kEvMax] = d(r.u64("/memory", mem, "memory.failcnt"));
  if (r.read("/memory", mem, "memory.oom_control", &t)) {
    constexpr std::string_view kKeys[] = {"oom_kill"};
    uint64_t v[1] = {};
    if (parse_flat_keyed(t, kKeys, 1, v) & 1) s->mem_events[kEvOomKill] = static_cast<double>(v[0]);
  }

  const CgroupRel& blk = ct.path[kBlkio];
  bool got_bytes = r.read("/blkio", blk, "blkio.throttle.io_service_bytes", &t);
  if (got_bytes) s->nio = parse_blkio_v1(t, true, s->io, s->nio, kMaxIoDevices, &s->io_dropped);
  bool got_ios = r.read("/blkio", blk, "blkio.throttle.io_serviced", &t);
  if (got_ios) s->nio = parse_blkio_v1(t, false, s->io, s->nio, kMaxIoDevices, &s->io_dropped);
  s->has_io = got_bytes && got_ios;

  const CgroupRel& pids = ct.path[kPids];
  s->pids_current = d(r.u64("/pids", pids, "pids.current"));
  s->pids_limit = d(r.limit("/pids", pids, "pids.max"));
  // Hybrid hosts keep PSI in the unified hierarchy.
  if (layout == Layout::Hybrid) read_psi(r, "/unified", ct.path[kUnified], s);
}

}  // namespace

void read_stats(Layout layout, std::string_view cgroupfs, const Container& ct, char* scratch, size_t cap,
                ContainerStats* out) {
  *out = ContainerStats{};
  Reader r{cgroupfs, scratch, cap};
  if (layout == Layout::V2) read_v2(r, ct, out);
  else if (layout == Layout::V1 || layout == Layout::Hybrid) read_v1(r, layout, ct, out);
}

}  // namespace edgestat::lxc

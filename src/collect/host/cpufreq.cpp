// node_exporter's cpufreq collector: /sys/devices/system/cpu/cpuN/cpufreq
// of every online CPU as node_cpu_{,scaling_}frequency_{,min_,max_}hertz
// {cpu} (kHz x 1000), node_cpu_frequency_avg_hertz, and
// node_cpu_scaling_governor{cpu,governor} 1 for the active governor of
// scaling_available_governors, 0 for the others. On a Raspberry Pi the
// firmware's throttling shows here as scaling_cur_freq below max.
//
// A kernel without cpufreq (most VMs, many routers) has no cpufreq
// directories: unsupported here. A CPU whose cpufreq directory exists but
// whose files cannot be read (other than absent or EACCES, which
// node_exporter skips: cpuinfo_cur_freq is root-only) fails the collector.
#include <cerrno>
#include <cstring>

#include "collect/host/cpu_list_parse.hpp"
#include "collect/host/host.hpp"
#include "config/config.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

struct FreqFile {
  const char* file;
  FamilyDesc desc;
};

constexpr FreqFile kFiles[] = {
    {"cpuinfo_cur_freq",
     {"node_cpu_frequency_hertz", "Current CPU thread frequency in hertz.", MetricType::Gauge}},
    {"cpuinfo_avg_freq",
     {"node_cpu_frequency_avg_hertz", "Average CPU thread frequency in hertz.", MetricType::Gauge}},
    {"cpuinfo_min_freq",
     {"node_cpu_frequency_min_hertz", "Minimum CPU thread frequency in hertz.", MetricType::Gauge}},
    {"cpuinfo_max_freq",
     {"node_cpu_frequency_max_hertz", "Maximum CPU thread frequency in hertz.", MetricType::Gauge}},
    {"scaling_cur_freq",
     {"node_cpu_scaling_frequency_hertz", "Current scaled CPU thread frequency in hertz.", MetricType::Gauge}},
    {"scaling_min_freq",
     {"node_cpu_scaling_frequency_min_hertz", "Minimum scaled CPU thread frequency in hertz.", MetricType::Gauge}},
    {"scaling_max_freq",
     {"node_cpu_scaling_frequency_max_hertz", "Maximum scaled CPU thread frequency in hertz.", MetricType::Gauge}},
};
constexpr FamilyDesc kGovernor{"node_cpu_scaling_governor", "Current enabled CPU frequency governor.",
                               MetricType::Gauge};

// sysfs attributes are single reads of at most this (procfs's SysReadFile).
constexpr size_t kAttrBytes = 128;

bool absent_or_denied(int e) { return e == ENOENT || e == EACCES || e == EPERM; }

// freq is the CPU's cpufreq directory (a symlink to its policy directory
// on current kernels), its files opened relative to it.
Status one_cpu(CollectContext& ctx, const DirHandle& freq, const char* freq_path, std::string_view cpu) {
  Label l{"cpu", cpu};
  for (const FreqFile& f : kFiles) {
    char buf[kAttrBytes];
    size_t n = 0;
    Status st = freq.read_file(f.file, buf, sizeof buf, &n);
    if (!st) {
      if (absent_or_denied(st.sys_errno())) continue;
      return st;
    }
    auto v = parse_u64(trim({buf, n}));
    if (!v) return Status::error("%s/%s: not a number", freq_path, f.file);
    ctx.out.add(f.desc, static_cast<double>(*v) * 1000.0, &l, 1);
  }
  char gbuf[kAttrBytes], abuf[kAttrBytes];
  std::string_view governor, available;
  if (!freq.read_attr("scaling_governor", gbuf, sizeof gbuf, &governor) || governor.empty()) return Status::ok();
  if (!freq.read_attr("scaling_available_governors", abuf, sizeof abuf, &available)) available = {};
  available = trim(available);
  // strings.Split(available, " "): an empty list still yields one "".
  for (std::string_view rest = available;;) {
    bool last = rest.find(' ') == std::string_view::npos;
    std::string_view g = next_field(rest, ' ');
    Label gl[] = {{"cpu", cpu}, {"governor", g}};
    ctx.out.add(kGovernor, g == governor ? 1 : 0, gl, 2);
    if (last) break;
  }
  return Status::ok();
}

}  // namespace

Status collect_cpufreq(CollectContext& ctx) {
  PathBuf dir;
  if (!join_path(dir, {ctx.config.path.sysfs.view(), "/devices/system/cpu"})) return Status::error("sysfs path too long");
  PathBuf off;
  char offbuf[512];
  std::string_view offline;
  if (!join_path(off, {dir.view(), "/offline"}) || !read_attr(off.c_str(), offbuf, sizeof offbuf, &offline))
    offline = {};
  DirReader d(dir.c_str());
  if (!d.ok()) return Status::error("open %s: %s", dir.c_str(), std::strerror(d.error())).with_errno(d.error());
  size_t with_cpufreq = 0;
  std::string_view entry;
  while (d.next(&entry)) {
    if (entry.size() < 4 || !starts_with(entry, "cpu")) continue;
    auto num = parse_u64(entry.substr(3));
    if (!num) continue;  // cpufreq, cpuidle
    if (cpu_list_contains(offline, static_cast<uint32_t>(*num))) continue;
    PathBuf freq_dir;
    if (!join_path(freq_dir, {dir.view(), "/", entry, "/cpufreq"})) return Status::error("sysfs path too long");
    DirHandle freq(freq_dir.c_str());
    if (!freq.ok()) continue;  // this CPU has no cpufreq policy
    ++with_cpufreq;
    if (Status st = one_cpu(ctx, freq, freq_dir.c_str(), entry.substr(3)); !st) return st;
  }
  if (d.error() != 0) return Status::error("read %s: %s", dir.c_str(), std::strerror(d.error()));
  if (with_cpufreq == 0) return Status::error("%s: no cpufreq directories", dir.c_str()).with_errno(ENOENT);
  return Status::ok();
}

}  // namespace edgestat

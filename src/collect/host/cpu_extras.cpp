// The parts of node_exporter 1.12's cpu collector beyond /proc/stat:
// node_cpu_isolated{cpu} from /sys/devices/system/cpu/isolated,
// node_cpu_online{cpu} from cpuN/online (only when cpu0 has one, as
// node_exporter does), and with collector.cpu info: node_cpu_info,
// node_cpu_frequency_hertz (when cpufreq is on too), node_cpu_flag_info and
// node_cpu_bug_info (the first CPU's lists, filtered by
// collector.cpu.info flags_include / bugs_include).
#include "collect/host/cpu_extras.hpp"

#include "collect/host/cpu_list_parse.hpp"
#include "collect/host/cpuinfo_parse.hpp"
#include "collect/registry.hpp"
#include "config/config.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kInfo{"node_cpu_info", "CPU information from /proc/cpuinfo.", MetricType::Gauge};
constexpr FamilyDesc kFreq{"node_cpu_frequency_hertz", "CPU frequency in hertz from /proc/cpuinfo.",
                           MetricType::Gauge};
constexpr FamilyDesc kFlag{"node_cpu_flag_info",
                           "The `flags` field of CPU information from /proc/cpuinfo taken from the first core.",
                           MetricType::Gauge};
constexpr FamilyDesc kBug{"node_cpu_bug_info",
                          "The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.",
                          MetricType::Gauge};
constexpr FamilyDesc kIsolated{"node_cpu_isolated",
                               "Whether each core is isolated, information from /sys/devices/system/cpu/isolated.",
                               MetricType::Gauge};
constexpr FamilyDesc kOnline{"node_cpu_online", "CPUs that are online and being scheduled.", MetricType::Gauge};

// CPUs described per scrape; more fails the collector.
constexpr size_t kMaxCpuInfo = 1024;
CpuInfoEntry g_info[kMaxCpuInfo];  // loop thread only
// isolated lists a few CPUs; the kernel's limit is its NR_CPUS.
constexpr size_t kMaxIsolated = 1024;

void field_info(CollectContext& ctx, const FamilyDesc& d, std::string_view label, std::string_view list,
                const ConfigRegex& filter) {
  if (filter.source.empty()) return;
  Scanner sc(list);
  for (std::string_view v = sc.token(); !v.empty(); v = sc.token()) {
    if (!filter.match(v)) continue;
    Label l{label, v};
    ctx.out.add(d, 1, &l, 1);
  }
}

Status cpu_info(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/cpuinfo"})) return Status::error("procfs path too long");
  size_t len = 0;
  if (Status st = read_file(path.c_str(), ctx.scratch, ctx.scratch_cap, &len); !st) return st;
  CpuInfoError err;
  std::string_view bad;
  size_t n = parse_cpuinfo({ctx.scratch, len}, g_info, kMaxCpuInfo, &err, &bad);
  if (err != CpuInfoError::None) {
    int bl = static_cast<int>(bad.size() > 64 ? 64 : bad.size());
    return Status::error("%s: cannot parse \"%.*s\"", path.c_str(), bl, bad.data());
  }
  for (size_t i = 0; i < n; ++i) {
    const CpuInfoEntry& e = g_info[i];
    // processor is a number (ParseUint base 0); node_exporter prints it back
    // in decimal.
    char num[24];
    std::string_view cpu{num, format_u64(parse_u64(e.processor).value_or(0), num)};
    Label l[] = {{"cachesize", e.cache_size}, {"core", e.core_id},         {"cpu", cpu},
                 {"family", e.family},        {"microcode", e.microcode},  {"model", e.model},
                 {"model_name", e.model_name}, {"package", e.physical_id}, {"stepping", e.stepping},
                 {"vendor", e.vendor}};
    ctx.out.add(kInfo, 1, l, 10);
  }
  int cpufreq = find_collector("cpufreq");
  if (cpufreq >= 0 && ((enabled_collectors(ctx.config) >> cpufreq) & 1)) {
    for (size_t i = 0; i < n; ++i) {
      const CpuInfoEntry& e = g_info[i];
      char num[24];
      std::string_view cpu{num, format_u64(parse_u64(e.processor).value_or(0), num)};
      Label l[] = {{"core", e.core_id}, {"cpu", cpu}, {"package", e.physical_id}};
      ctx.out.add(kFreq, e.mhz * 1e6, l, 3);
    }
  }
  if (n > 0) {
    field_info(ctx, kFlag, "flag", g_info[0].flags, ctx.config.filters.cpu_info_flags_include);
    field_info(ctx, kBug, "bug", g_info[0].bugs, ctx.config.filters.cpu_info_bugs_include);
  }
  return Status::ok();
}

void cpu_isolated(CollectContext& ctx) {
  PathBuf path;
  char buf[1024];
  std::string_view list;
  if (!join_path(path, {ctx.config.path.sysfs.view(), "/devices/system/cpu/isolated"}) ||
      !read_attr(path.c_str(), buf, sizeof buf, &list))
    return;  // node_exporter: no file, no metric
  uint32_t cpus[kMaxIsolated];
  size_t n = parse_cpu_list(list, cpus, kMaxIsolated);
  if (n == SIZE_MAX) return;
  for (size_t i = 0; i < n; ++i) {
    char num[24];
    Label l{"cpu", {num, format_u64(cpus[i], num)}};
    ctx.out.add(kIsolated, 1, &l, 1);
  }
}

void cpu_online(CollectContext& ctx) {
  PathBuf dir, cpu0;
  if (!join_path(dir, {ctx.config.path.sysfs.view(), "/devices/system/cpu"}) ||
      !join_path(cpu0, {dir.view(), "/cpu0/online"}))
    return;
  char buf[16];
  std::string_view v;
  if (!read_attr(cpu0.c_str(), buf, sizeof buf, &v)) return;  // cpu0 cannot go offline: no online files
  DirReader d(dir.c_str());
  std::string_view entry;
  while (d.next(&entry)) {
    if (entry.size() < 4 || !starts_with(entry, "cpu") || !parse_u64(entry.substr(3))) continue;
    PathBuf p;
    if (!join_path(p, {dir.view(), "/", entry, "/online"})) continue;
    bool online = read_attr(p.c_str(), buf, sizeof buf, &v) && v == "1";
    Label l{"cpu", entry.substr(3)};
    ctx.out.add(kOnline, online ? 1 : 0, &l, 1);
  }
}

}  // namespace

Status collect_cpu_extras(CollectContext& ctx) {
  const auto& f = ctx.config.filters;
  // Setting either include regex turns cpu.info on, as in node_exporter.
  if (f.cpu_info || !f.cpu_info_flags_include.source.empty() || !f.cpu_info_bugs_include.source.empty()) {
    if (Status st = cpu_info(ctx); !st) return st;
  }
  cpu_isolated(ctx);
  cpu_online(ctx);
  return Status::ok();
}

}  // namespace edgestat

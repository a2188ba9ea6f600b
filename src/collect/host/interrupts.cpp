// node_exporter's interrupts collector (off by default):
// node_interrupts_total{cpu,devices,info,type} per interrupt line of
// /proc/interrupts and per CPU column, filtered on "type;info;devices" by
// collector.interrupts.name_{include,exclude}, zeros left out when
// include_zeros is false.
#include "collect/host/host.hpp"
#include "collect/host/interrupts_parse.hpp"
#include "config/config.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kTotal{"node_interrupts_total", "Interrupt details.", MetricType::Counter};
// Joined details of one line; longer text is cut (the kernel's device
// lists are a few dozen bytes).
constexpr size_t kDetailBytes = 256;
InterruptLine g_line;  // 4 KiB of views: off the stack, loop thread only

}  // namespace

Status collect_interrupts(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/interrupts"})) return Status::error("procfs path too long");
  size_t len = 0;
  if (Status st = read_file(path.c_str(), ctx.scratch, ctx.scratch_cap, &len); !st) return st;
  Scanner lines(std::string_view(ctx.scratch, len));
  if (lines.at_end()) return Status::error("%s: interrupts empty", path.c_str());
  size_t ncpus = parse_interrupts_header(lines.line());
  if (ncpus == 0) return Status::error("%s: no CPU columns, or more than %zu", path.c_str(), kMaxInterruptCpus);
  const auto& f = ctx.config.filters;
  char info[kDetailBytes], devices[kDetailBytes];
  while (!lines.at_end()) {
    if (!parse_interrupts_line(lines.line(), ncpus, &g_line, info, sizeof info, devices, sizeof devices)) continue;
    FixedString<3 * kDetailBytes> filter_name;
    filter_name.assign(g_line.name);
    filter_name.append(";");
    filter_name.append(g_line.info);
    filter_name.append(";");
    filter_name.append(g_line.devices);
    if (filter_ignored(f.interrupts_name_include, f.interrupts_name_exclude, filter_name.view())) continue;
    for (size_t cpu = 0; cpu < ncpus; ++cpu) {
      auto v = parse_double(g_line.values[cpu]);
      if (!v) {
        int vl = static_cast<int>(g_line.values[cpu].size() > 32 ? 32 : g_line.values[cpu].size());
        return Status::error("%s: invalid value %.*s", path.c_str(), vl, g_line.values[cpu].data());
      }
      if (!f.interrupts_include_zeros && *v == 0) continue;
      char num[24];
      Label l[] = {{"cpu", {num, format_u64(cpu, num)}},
                   {"devices", g_line.devices},
                   {"info", g_line.info},
                   {"type", g_line.name}};
      ctx.out.add(kTotal, *v, l, 4);
    }
  }
  return Status::ok();
}

}  // namespace edgestat

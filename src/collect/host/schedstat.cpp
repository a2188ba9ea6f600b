// node_exporter's schedstat collector: /proc/schedstat's per-CPU run and
// wait times. A kernel built without CONFIG_SCHEDSTATS has no file:
// unsupported here (node_exporter: "no data").
#include "collect/host/host.hpp"
#include "collect/host/schedstat_parse.hpp"
#include "config/config.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kRunning{"node_schedstat_running_seconds_total",
                              "Number of seconds CPU spent running a process.", MetricType::Counter};
constexpr FamilyDesc kWaiting{"node_schedstat_waiting_seconds_total",
                              "Number of seconds spent by processing waiting for this CPU.", MetricType::Counter};
constexpr FamilyDesc kSlices{"node_schedstat_timeslices_total", "Number of timeslices executed by CPU.",
                             MetricType::Counter};

}  // namespace

Status collect_schedstat(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/schedstat"})) return Status::error("procfs path too long");
  size_t len = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &len); !st) return st;
  Scanner lines(std::string_view(ctx.scratch, len));
  while (!lines.at_end()) {
    SchedstatCpu c;
    if (!parse_schedstat_line(lines.line(), &c)) continue;
    Label l{"cpu", c.cpu};
    ctx.out.add(kRunning, static_cast<double>(c.running_ns) / 1e9, &l, 1);
    ctx.out.add(kWaiting, static_cast<double>(c.waiting_ns) / 1e9, &l, 1);
    ctx.out.add(kSlices, static_cast<double>(c.timeslices), &l, 1);
  }
  return Status::ok();
}

}  // namespace edgestat

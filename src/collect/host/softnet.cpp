// node_exporter's softnet collector: /proc/net/softnet_stat, one line per
// online CPU, as node_softnet_*{cpu}.
#include "collect/host/host.hpp"
#include "collect/host/softnet_parse.hpp"
#include "config/config.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kProcessed{"node_softnet_processed_total", "Number of processed packets", MetricType::Counter};
constexpr FamilyDesc kDropped{"node_softnet_dropped_total", "Number of dropped packets", MetricType::Counter};
constexpr FamilyDesc kSqueezed{"node_softnet_times_squeezed_total",
                               "Number of times processing packets ran out of quota", MetricType::Counter};
constexpr FamilyDesc kCollision{"node_softnet_cpu_collision_total",
                                "Number of collision occur while obtaining device lock while transmitting",
                                MetricType::Counter};
constexpr FamilyDesc kRps{"node_softnet_received_rps_total", "Number of times cpu woken up received_rps",
                          MetricType::Counter};
constexpr FamilyDesc kFlowLimit{"node_softnet_flow_limit_count_total", "Number of times flow limit has been reached",
                                MetricType::Counter};
constexpr FamilyDesc kBacklog{"node_softnet_backlog_len", "Softnet backlog status", MetricType::Gauge};

}  // namespace

Status collect_softnet(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/net/softnet_stat"}))
    return Status::error("procfs path too long");
  size_t len = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &len); !st) return st;
  Scanner lines(std::string_view(ctx.scratch, len));
  for (uint32_t pos = 0; !lines.at_end(); ++pos) {
    std::string_view line = lines.line();
    SoftnetLine s;
    if (!parse_softnet_line(line, pos, &s)) {
      int blen = static_cast<int>(line.size() > 64 ? 64 : line.size());
      return Status::error("%s: malformed line \"%.*s\"", path.c_str(), blen, line.data());
    }
    char num[24];
    Label l{"cpu", {num, format_u64(s.cpu, num)}};
    ctx.out.add(kProcessed, s.processed, &l, 1);
    ctx.out.add(kDropped, s.dropped, &l, 1);
    ctx.out.add(kSqueezed, s.time_squeeze, &l, 1);
    ctx.out.add(kCollision, s.cpu_collision, &l, 1);
    ctx.out.add(kRps, s.received_rps, &l, 1);
    ctx.out.add(kFlowLimit, s.flow_limit_count, &l, 1);
    ctx.out.add(kBacklog, s.backlog_len, &l, 1);
  }
  return Status::ok();
}

}  // namespace edgestat

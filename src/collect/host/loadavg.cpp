// node_exporter's loadavg collector: node_load1/5/15 from /proc/loadavg.
#include "collect/host/host.hpp"
#include "collect/host/simple_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kLoad1{"node_load1", "1m load average.", MetricType::Gauge};
constexpr FamilyDesc kLoad5{"node_load5", "5m load average.", MetricType::Gauge};
constexpr FamilyDesc kLoad15{"node_load15", "15m load average.", MetricType::Gauge};

}  // namespace

Status collect_loadavg(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/loadavg"})) return Status::error("procfs path too long");
  char buf[256];
  size_t n = 0;
  if (Status st = read_file_kept(path.c_str(), buf, sizeof buf, &n); !st) return st;
  double l[3];
  if (!parse_loadavg(std::string_view(buf, n), l)) return Status::error("%s: unexpected format", path.c_str());
  ctx.out.add(kLoad1, l[0]);
  ctx.out.add(kLoad5, l[1]);
  ctx.out.add(kLoad15, l[2]);
  return Status::ok();
}

}  // namespace edgestat

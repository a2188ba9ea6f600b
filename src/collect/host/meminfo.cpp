// node_exporter's meminfo collector: every /proc/meminfo line as
// node_memory_<Key>_bytes (or unitless for HugePages_* counts).
#include "collect/host/host.hpp"
#include "collect/host/meminfo_parse.hpp"
#include "config/config.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {

Status collect_meminfo(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/meminfo"})) return Status::error("procfs path too long");
  size_t n = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &n); !st) return st;
  Scanner lines(std::string_view(ctx.scratch, n));
  int found = 0;
  while (!lines.at_end()) {
    MeminfoEntry e;
    if (!parse_meminfo_line(lines.line(), &e)) continue;
    FixedString<96> name, help;
    name.assign("node_memory_");
    name.append(e.key.view());
    help.assign("Memory information field ");
    help.append(e.key.view());
    help.append(".");
    ctx.out.add_dynamic(name.view(), help.view(), MetricType::Gauge, SampleKind::Plain, 0, e.value, nullptr, 0);
    ++found;
  }
  if (found == 0) return Status::error("%s: no fields", path.c_str());
  return Status::ok();
}

}  // namespace edgestat

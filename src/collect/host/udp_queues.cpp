// node_exporter's udp_queues collector: node_udp_queues{ip,queue}, the
// bytes queued in UDP sockets' send and receive buffers, summed over
// /proc/net/udp (v4) and udp6 (v6). A family whose file is absent is left
// out; both absent: unsupported here.
#include "collect/host/host.hpp"
#include "collect/host/udp_queues_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kQueues{"node_udp_queues", "Number of allocated memory in the kernel for UDP datagrams in bytes.",
                             MetricType::Gauge};

Status one(CollectContext& ctx, const char* rel, std::string_view ip) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), rel})) return Status::error("procfs path too long");
  size_t len = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &len); !st) return st;
  UdpQueues q;
  std::string_view bad;
  if (!parse_udp_queues({ctx.scratch, len}, &q, &bad)) {
    int blen = static_cast<int>(bad.size() > 80 ? 80 : bad.size());
    return Status::error("%s: malformed socket line \"%.*s\"", path.c_str(), blen, bad.data());
  }
  Label tx[] = {{"ip", ip}, {"queue", "tx"}};
  Label rx[] = {{"ip", ip}, {"queue", "rx"}};
  ctx.out.add(kQueues, static_cast<double>(q.tx), tx, 2);
  ctx.out.add(kQueues, static_cast<double>(q.rx), rx, 2);
  return Status::ok();
}

}  // namespace

Status collect_udp_queues(CollectContext& ctx) {
  Status v4 = one(ctx, "/net/udp", "v4");
  if (!v4 && !v4.unsupported()) return v4;
  Status v6 = one(ctx, "/net/udp6", "v6");
  if (!v6 && !v6.unsupported()) return v6;
  if (!v4 && !v6) return v4;
  return Status::ok();
}

}  // namespace edgestat

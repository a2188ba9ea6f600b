// node_exporter's sockstat collector: /proc/net/sockstat and sockstat6 as
// node_sockstat_<PROTO>_<key> gauges (inuse, orphan, tw, alloc, mem,
// memory, and mem_bytes = mem pages x the page size), plus
// node_sockstat_sockets_used from the IPv4 file. A file that is absent
// (IPv4 or IPv6 disabled) is skipped; both absent: unsupported here.
#include <unistd.h>

#include "collect/host/host.hpp"
#include "collect/host/sockstat_parse.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kUsed{"node_sockstat_sockets_used", "Number of IPv4 sockets in use.", MetricType::Gauge};
// Protocol lines in one file; Linux has 6 in sockstat and 5 in sockstat6.
constexpr size_t kMaxSockstatProtos = 32;

void emit(CollectContext& ctx, std::string_view proto, std::string_view key, int64_t v) {
  FixedString<96> name, help;
  name.assign("node_sockstat_");
  name.append(proto);
  name.append("_");
  name.append(key);
  help.assign("Number of ");
  help.append(proto);
  help.append(" sockets in state ");
  help.append(key);
  help.append(".");
  if (name.overflowed() || help.overflowed() || !valid_metric_name(name.view())) return;
  ctx.out.add_dynamic(name.view(), help.view(), MetricType::Gauge, SampleKind::Plain, 0, static_cast<double>(v),
                      nullptr, 0);
}

// Returns Unsupported (ENOENT) when the file is absent.
Status read_one(CollectContext& ctx, const char* rel, bool ipv6) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), rel})) return Status::error("procfs path too long");
  size_t len = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &len); !st) return st;
  SockstatFile file;
  SockstatProto protos[kMaxSockstatProtos];
  std::string_view bad;
  if (!parse_sockstat({ctx.scratch, len}, &file, protos, kMaxSockstatProtos, &bad)) {
    int blen = static_cast<int>(bad.size() > 64 ? 64 : bad.size());
    return Status::error("%s: malformed line \"%.*s\"", path.c_str(), blen, bad.data());
  }
  if (!ipv6 && file.has_used) ctx.out.add(kUsed, static_cast<double>(file.used));
  static const long page = sysconf(_SC_PAGESIZE);
  for (size_t i = 0; i < file.nprotos; ++i) {
    const SockstatProto& p = protos[i];
    emit(ctx, p.protocol, "inuse", p.value[kSockInuse]);
    for (int k = kSockOrphan; k < kSockKeys; ++k)
      if (p.has[k]) emit(ctx, p.protocol, kSockstatKeyNames[k], p.value[k]);
    if (p.has[kSockMem]) emit(ctx, p.protocol, "mem_bytes", p.value[kSockMem] * page);
  }
  return Status::ok();
}

}  // namespace

Status collect_sockstat(CollectContext& ctx) {
  Status v4 = read_one(ctx, "/net/sockstat", false);
  if (!v4 && !v4.unsupported()) return v4;
  Status v6 = read_one(ctx, "/net/sockstat6", true);
  if (!v6 && !v6.unsupported()) return v6;
  // Both absent: no IP stack to report on (or a procfs without net/).
  if (!v4 && !v6) return v4;
  return Status::ok();
}

}  // namespace edgestat

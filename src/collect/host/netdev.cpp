// node_exporter's netdev collector: node_network_{receive,transmit}_*_total
// {device} from /proc/net/dev, with node_exporter's legacy names (errs,
// drop, colls; frame and multicast on receive, colls and carrier on
// transmit) and its device include/exclude filters. node_exporter 1.12
// reads the counters over rtnetlink, which adds receive_nohandler (packets
// no protocol handler took, Linux 4.6+) to /proc/net/dev's sixteen; that
// one comes from sysfs statistics/rx_nohandler here, when present.
#include "collect/host/host.hpp"
#include "collect/host/netdev_parse.hpp"
#include "config/config.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// The header is two lines ("Inter-|   Receive ..." and " face |bytes ...").
constexpr int kHeaderLines = 2;

// "node_network_receive_bytes_total", help "Network device statistic receive_bytes."
#define NETDEV_FAMILY(dir, field)                                                                    \
  FamilyDesc{"node_network_" dir "_" field "_total", "Network device statistic " dir "_" field ".", \
             MetricType::Counter}

// /proc/net/dev column order.
constexpr FamilyDesc kRx[kNetDevCounters] = {
    NETDEV_FAMILY("receive", "bytes"), NETDEV_FAMILY("receive", "packets"),    NETDEV_FAMILY("receive", "errs"),
    NETDEV_FAMILY("receive", "drop"),  NETDEV_FAMILY("receive", "fifo"),       NETDEV_FAMILY("receive", "frame"),
    NETDEV_FAMILY("receive", "compressed"), NETDEV_FAMILY("receive", "multicast"),
};
constexpr FamilyDesc kTx[kNetDevCounters] = {
    NETDEV_FAMILY("transmit", "bytes"), NETDEV_FAMILY("transmit", "packets"), NETDEV_FAMILY("transmit", "errs"),
    NETDEV_FAMILY("transmit", "drop"),  NETDEV_FAMILY("transmit", "fifo"),    NETDEV_FAMILY("transmit", "colls"),
    NETDEV_FAMILY("transmit", "carrier"), NETDEV_FAMILY("transmit", "compressed"),
};

constexpr FamilyDesc kNoHandler = NETDEV_FAMILY("receive", "nohandler");

#undef NETDEV_FAMILY

}  // namespace

Status collect_netdev(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/net/dev"})) return Status::error("procfs path too long");
  size_t n = 0;
  if (Status st = read_file_kept(path.c_str(), ctx.scratch, ctx.scratch_cap, &n); !st) return st;
  // An empty pattern means the filter is not set (node_exporter's flags
  // default to unset; "" would otherwise match every name).
  const ConfigRegex& include = ctx.config.filters.netdev_device_include;
  const ConfigRegex& exclude = ctx.config.filters.netdev_device_exclude;
  const bool has_include = !include.source.empty();
  const bool has_exclude = !exclude.source.empty();

  Scanner lines(std::string_view(ctx.scratch, n));
  unsigned lineno = 0;
  while (!lines.at_end()) {
    std::string_view text = lines.line();
    if (++lineno <= kHeaderLines) continue;
    NetDevLine d;
    NetDevParse r = parse_netdev_line(text, &d);
    if (r == NetDevParse::Malformed) return Status::error("%s:%u: malformed line", path.c_str(), lineno);
    if (r == NetDevParse::Skip) continue;
    if (has_exclude && exclude.match(d.name)) continue;
    if (has_include && !include.match(d.name)) continue;
    const Label dev[] = {{"device", d.name}};
    for (int i = 0; i < kNetDevCounters; ++i) {
      ctx.out.add(kRx[i], static_cast<double>(d.rx[i]), dev, 1);
      ctx.out.add(kTx[i], static_cast<double>(d.tx[i]), dev, 1);
    }
    PathBuf nh;
    uint64_t nohandler = 0;
    if (join_path(nh, {ctx.config.path.sysfs.view(), "/class/net/", d.name, "/statistics/rx_nohandler"}) &&
        read_attr_u64(nh.c_str(), &nohandler))
      ctx.out.add(kNoHandler, static_cast<double>(nohandler), dev, 1);
  }
  return Status::ok();
}

}  // namespace edgestat

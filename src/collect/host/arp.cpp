// node_exporter's arp collector: node_arp_entries{device}, the IPv4
// neighbour entries per interface. node_exporter 1.12 asks rtnetlink by
// default and counts every neighbour not in NUD_NOARP state; the kernel's
// /proc/net/arp lists exactly those (it skips NOARP entries), so reading
// it gives the same counts and works on a fixture tree.
#include "collect/host/arp_parse.hpp"
#include "collect/host/host.hpp"
#include "config/config.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kEntries{"node_arp_entries", "ARP entries by device", MetricType::Gauge};
// Interfaces with neighbours; a router with many VLANs has a few dozen.
constexpr size_t kMaxArpDevices = 256;

}  // namespace

Status collect_arp(CollectContext& ctx) {
  PathBuf path;
  if (!join_path(path, {ctx.config.path.procfs.view(), "/net/arp"})) return Status::error("procfs path too long");
  size_t len = 0;
  if (Status st = read_file(path.c_str(), ctx.scratch, ctx.scratch_cap, &len); !st) return st;
  ArpDeviceCount devs[kMaxArpDevices];
  ArpError err;
  std::string_view bad;
  size_t n = parse_arp({ctx.scratch, len}, devs, kMaxArpDevices, &err, &bad);
  if (err != ArpError::None) {
    int blen = static_cast<int>(bad.size() > 80 ? 80 : bad.size());
    const char* why = err == ArpError::BadWidth  ? "expected 6 columns"
                      : err == ArpError::BadEntry ? "bad HW address or flags"
                                                  : "too many devices";
    return Status::error("%s: %s: \"%.*s\"", path.c_str(), why, blen, bad.data());
  }
  const auto& f = ctx.config.filters;
  for (size_t i = 0; i < n; ++i) {
    if (filter_ignored(f.arp_device_include, f.arp_device_exclude, devs[i].device)) continue;
    Label l{"device", devs[i].device};
    ctx.out.add(kEntries, devs[i].entries, &l, 1);
  }
  return Status::ok();
}

}  // namespace edgestat

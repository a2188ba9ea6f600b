// node_exporter's netclass collector: node_network_up, node_network_info
// and one gauge or counter per numeric attribute of /sys/class/net/<iface>/
// (node_network_mtu_bytes, node_network_carrier, ...), with the names,
// labels and help texts of node_exporter 1.5.
//
// The entries of /sys/class/net are symlinks into /sys/devices; each
// device directory is opened once through its entry (O_PATH) and its
// attributes relative to it, so the symlink and the dozen components
// behind it are resolved once a device, not once an attribute (the path
// walks were a fifth of a fresh collection's CPU). Attributes are read by
// name instead of listing each device directory: the result is the same
// (a missing or unreadable attribute is a missing metric, as in
// node_exporter, which skips ENOENT, EACCES, EINVAL and EOPNOTSUPP) with no
// getdents per device.
#include <dirent.h>

#include <cstring>

#include "collect/host/host.hpp"
#include "collect/host/netclass_parse.hpp"
#include "config/config.hpp"
#include "core/scan.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

constexpr FamilyDesc kUp{"node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.", MetricType::Gauge};
constexpr FamilyDesc kInfo{"node_network_info", "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
                           MetricType::Gauge};
constexpr FamilyDesc kSpeed{"node_network_speed_bytes", "Network device property: speed_bytes", MetricType::Gauge};

#define NETCLASS_FAMILY(name, type) \
  FamilyDesc { "node_network_" name, "Network device property: " name, MetricType::type }

struct IntAttr {
  const char* file;
  FamilyDesc family;
};
// In node_exporter's order; the snapshot sorts families by name anyway.
constexpr IntAttr kIntAttrs[] = {
    {"addr_assign_type", NETCLASS_FAMILY("address_assign_type", Gauge)},
    {"carrier", NETCLASS_FAMILY("carrier", Gauge)},
    {"carrier_changes", NETCLASS_FAMILY("carrier_changes_total", Counter)},
    {"carrier_up_count", NETCLASS_FAMILY("carrier_up_changes_total", Counter)},
    {"carrier_down_count", NETCLASS_FAMILY("carrier_down_changes_total", Counter)},
    {"dev_id", NETCLASS_FAMILY("device_id", Gauge)},
    {"dormant", NETCLASS_FAMILY("dormant", Gauge)},
    {"flags", NETCLASS_FAMILY("flags", Gauge)},
    {"ifindex", NETCLASS_FAMILY("iface_id", Gauge)},
    {"iflink", NETCLASS_FAMILY("iface_link", Gauge)},
    {"link_mode", NETCLASS_FAMILY("iface_link_mode", Gauge)},
    {"mtu", NETCLASS_FAMILY("mtu_bytes", Gauge)},
    {"name_assign_type", NETCLASS_FAMILY("name_assign_type", Gauge)},
    {"netdev_group", NETCLASS_FAMILY("net_dev_group", Gauge)},
    {"tx_queue_len", NETCLASS_FAMILY("transmit_queue_length", Gauge)},
    {"type", NETCLASS_FAMILY("protocol_type", Gauge)},
};

#undef NETCLASS_FAMILY

// Attribute buffers. A hardware address is at most MAX_ADDR_LEN (32) bytes,
// 95 characters as hex with colons; ifalias is at most IFALIASZ - 1 (255)
// characters. A longer value reads as absent (an empty label).
constexpr size_t kAddressChars = 128;
constexpr size_t kWordChars = 32;  // operstate, duplex
constexpr size_t kAliasChars = 320;

// Reads the device's attribute into buf; empty when missing or unreadable.
std::string_view attr_text(const DirHandle& dev, const char* attr, char* buf, size_t cap) {
  std::string_view v;
  if (!dev.read_attr(attr, buf, cap, &v)) return {};
  return trim(v);
}

std::optional<int64_t> attr_int(const DirHandle& dev, const char* attr) {
  char buf[64];
  std::string_view v = attr_text(dev, attr, buf, sizeof buf);
  if (v.empty()) return std::nullopt;
  return parse_sysfs_int(v);
}

// path is the entry's path (a symlink to the device directory).
void collect_device(CollectContext& ctx, std::string_view name, const char* path) {
  // A device removed since the listing, or an entry that is no directory,
  // does not open (O_DIRECTORY follows the symlink) and is skipped.
  DirHandle dir(path);
  if (!dir.ok()) return;
  char address[kAddressChars], broadcast[kAddressChars], duplex[kWordChars], operstate[kWordChars],
      alias[kAliasChars];
  std::string_view oper = attr_text(dir, "operstate", operstate, sizeof operstate);
  const Label dev[] = {{"device", name}};
  ctx.out.add(kUp, oper == "up" ? 1 : 0, dev, 1);
  const std::optional<int64_t> flags = attr_int(dir, "flags");
  std::string_view admin = admin_state(flags);
  const Label info[] = {{"address", attr_text(dir, "address", address, sizeof address)},
                        {"adminstate", admin},
                        {"broadcast", attr_text(dir, "broadcast", broadcast, sizeof broadcast)},
                        {"device", name},
                        {"duplex", attr_text(dir, "duplex", duplex, sizeof duplex)},
                        {"ifalias", attr_text(dir, "ifalias", alias, sizeof alias)},
                        {"operstate", oper}};
  ctx.out.add(kInfo, 1, info, 7);
  for (const IntAttr& a : kIntAttrs) {
    // flags was read above for adminstate: one read a collection, and the
    // two samples agree.
    auto v = std::string_view(a.file) == "flags" ? flags : attr_int(dir, a.file);
    if (v) ctx.out.add(a.family, static_cast<double>(*v), dev, 1);
  }
  if (auto speed = attr_int(dir, "speed")) {
    if (auto bytes = speed_bytes(*speed, ctx.config.filters.netclass_ignore_invalid_speed)) ctx.out.add(kSpeed, *bytes, dev, 1);
  }
}

}  // namespace

Status collect_netclass(CollectContext& ctx) {
  PathBuf base;
  if (!join_path(base, {ctx.config.path.sysfs.view(), "/class/net/"})) return Status::error("sysfs path too long");
  DirReader dir(base.c_str());
  if (!dir.ok()) return Status::error("open %s: %s", base.c_str(), std::strerror(dir.error())).with_errno(dir.error());
  const ConfigRegex& ignored = ctx.config.filters.netclass_ignored_devices;
  const bool has_ignored = !ignored.source.empty();

  std::string_view name;
  unsigned char type = DT_UNKNOWN;
  while (dir.next(&name, &type)) {
    // Regular files such as bonding_masters are not devices.
    if (type == DT_REG) continue;
    if (has_ignored && ignored.match(name)) continue;
    PathBuf dev;
    if (!join_path(dev, {base.view(), name})) continue;
    collect_device(ctx, name, dev.c_str());
  }
  if (dir.error() != 0)
    return Status::error("read %s: %s", base.c_str(), std::strerror(dir.error())).with_errno(dir.error());
  return Status::ok();
}

}  // namespace edgestat

#pragma once
// Pure helpers for the netclass collector: sysfs attribute values of
// /sys/class/net/<iface>/ (Documentation/ABI/testing/sysfs-class-net).
#include <cstdint>
#include <optional>
#include <string_view>

namespace edgestat {

// An integer attribute the way node_exporter (procfs) reads it: the value
// trimmed of surrounding whitespace, then Go's strconv.ParseInt(s, 0, 64):
// optional sign, "0x" hex ("flags" is 0x1003), "0o"/"0b" prefixes, a
// leading "0" octal, else decimal. nullopt for anything else or overflow,
// and node_exporter then leaves the metric out.
std::optional<int64_t> parse_sysfs_int(std::string_view s);

// node_network_speed_bytes from the "speed" attribute (Mbit/s): Mbit/s x
// 125000. nullopt for a negative speed (-1 is "unknown", reported by
// virtio and down links), which edgestat leaves out like node_exporter's
// --collector.netclass.ignore-invalid-speed.
std::optional<double> speed_bytes(int64_t mbit_per_s, bool ignore_invalid);

// node_network_info's adminstate (1.7+): "up" when IFF_UP is in the
// flags attribute, "down" when not, "unknown" when it is unreadable.
std::string_view admin_state(std::optional<int64_t> flags);

}  // namespace edgestat

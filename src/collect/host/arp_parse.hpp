#pragma once
// Pure parser for /proc/net/arp, as prometheus/procfs reads it for
// node_exporter's arp collector: the 9-column header and blank lines are
// skipped, a 6-column line is an entry, any other width is an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat {

struct ArpDeviceCount {
  std::string_view device;
  uint32_t entries;
};

enum class ArpError { None, BadWidth, BadEntry, TooManyDevices };

// Counts entries per device (views into text, in order of first
// appearance). An entry's HW address must parse as a MAC address and its
// flags as an 8-bit number (Go's ParseUint base 0), as procfs demands.
size_t parse_arp(std::string_view text, ArpDeviceCount* out, size_t cap, ArpError* err, std::string_view* bad);

}  // namespace edgestat

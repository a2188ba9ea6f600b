#pragma once
// Pure parser for /proc/net/dev (proc(5)): two header lines, then one line
// per interface, "name: 8 receive counters 8 transmit counters".
#include <cstdint>
#include <string_view>

namespace edgestat {

// Counters per direction in the kernel's column order (see kNetDevRxNames
// and kNetDevTxNames in netdev.cpp for node_exporter's names).
inline constexpr int kNetDevCounters = 8;

struct NetDevLine {
  std::string_view name;  // points into the parsed text
  uint64_t rx[kNetDevCounters] = {};
  uint64_t tx[kNetDevCounters] = {};
};

enum class NetDevParse : uint8_t {
  Ok,
  Skip,       // a blank line
  Malformed,  // no colon, no name, fewer than 16 counters or a non-number
};

// One interface line (not a header line). Like procfs, the name is what
// precedes the last colon, trimmed, and counters beyond the 16th are
// ignored; anything else wrong is Malformed (node_exporter then fails the
// collection).
NetDevParse parse_netdev_line(std::string_view line, NetDevLine* out);

}  // namespace edgestat

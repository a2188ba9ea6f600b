#pragma once
// Pure parser for /proc/net/udp and udp6: the sum of every socket's
// tx_queue and rx_queue (hexadecimal "tx:rx" in the fifth column), as
// prometheus/procfs's NetUDPSummary computes it for node_exporter's
// udp_queues collector.
#include <cstdint>
#include <string_view>

namespace edgestat {

struct UdpQueues {
  uint64_t tx = 0, rx = 0;
};

// The first line is the header. False on a socket line with fewer than 13
// fields or a queue column that is not "hex:hex" (*bad is that line).
bool parse_udp_queues(std::string_view text, UdpQueues* out, std::string_view* bad);

}  // namespace edgestat

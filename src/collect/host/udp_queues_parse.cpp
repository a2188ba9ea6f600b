#include "collect/host/udp_queues_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

// procfs wants the 13 columns a UDP line has (through "drops").
constexpr int kUdpColumns = 13;

}  // namespace

bool parse_udp_queues(std::string_view text, UdpQueues* out, std::string_view* bad) {
  *out = UdpQueues{};
  Scanner lines(text);
  if (!lines.at_end()) lines.line();  // header
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    Scanner sc(line);
    std::string_view queues;
    int n = 0;
    for (std::string_view t = sc.token(); !t.empty(); t = sc.token(), ++n)
      if (n == 4) queues = t;
    if (n == 0) continue;
    *bad = line;
    if (n < kUdpColumns) return false;
    std::string_view tx = next_field(queues, ':');
    auto t = parse_hex_u64(tx), r = parse_hex_u64(queues);
    if (queues.find(':') != std::string_view::npos || !t || !r) return false;
    out->tx += *t;
    out->rx += *r;
  }
  return true;
}

}  // namespace edgestat

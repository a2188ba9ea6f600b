#include "collect/host/udp_queues_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

bool hex64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  if (s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

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
    uint64_t t = 0, r = 0;
    if (queues.find(':') != std::string_view::npos || !hex64(tx, &t) || !hex64(queues, &r)) return false;
    out->tx += t;
    out->rx += r;
  }
  return true;
}

}  // namespace edgestat

#include "collect/host/netdev_parse.hpp"

#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat {

NetDevParse parse_netdev_line(std::string_view line, NetDevLine* out) {
  if (trim(line).empty()) return NetDevParse::Skip;
  size_t colon = line.rfind(':');
  if (colon == std::string_view::npos) return NetDevParse::Malformed;
  std::string_view name = trim(line.substr(0, colon));
  if (name.empty()) return NetDevParse::Malformed;
  Scanner sc(line.substr(colon + 1));
  uint64_t v[2 * kNetDevCounters];
  for (uint64_t& x : v) {
    auto n = parse_u64(sc.token());
    if (!n) return NetDevParse::Malformed;
    x = *n;
  }
  out->name = name;
  for (int i = 0; i < kNetDevCounters; ++i) {
    out->rx[i] = v[i];
    out->tx[i] = v[kNetDevCounters + i];
  }
  return NetDevParse::Ok;
}

}  // namespace edgestat

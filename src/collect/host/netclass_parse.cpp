#include "collect/host/netclass_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {

std::optional<int64_t> parse_sysfs_int(std::string_view s) {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  unsigned base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') base = 16, s.remove_prefix(2);
    else if (p == 'o') base = 8, s.remove_prefix(2);
    else if (p == 'b') base = 2, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
  }
  // Magnitude limit: INT64_MAX, or one more for a negative value.
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = static_cast<unsigned>((c | 0x20) - 'a' + 10);
    else return std::nullopt;
    if (d >= base) return std::nullopt;
    if (v > (limit - d) / base) return std::nullopt;
    v = v * base + d;
  }
  if (neg) return v == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(v);
  return static_cast<int64_t>(v);
}

std::optional<double> speed_bytes(int64_t mbit_per_s, bool ignore_invalid) {
  // node_exporter 1.12 exports the driver's -1 ("unknown") as -125000
  // unless --collector.netclass.ignore-invalid-speed.
  if (mbit_per_s < 0 && ignore_invalid) return std::nullopt;
  return static_cast<double>(mbit_per_s) * 125000.0;
}

std::string_view admin_state(std::optional<int64_t> flags) {
  if (!flags) return "unknown";
  return (*flags & 1) ? "up" : "down";  // IFF_UP
}

}  // namespace edgestat

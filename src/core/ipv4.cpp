#include "core/ipv4.hpp"

#include "core/ascii.hpp"

namespace edgestat {

bool parse_ipv4(std::string_view s, uint32_t* out) {
  uint32_t a = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
    size_t n = 0;
    uint32_t v = 0;
    while (n < s.size() && n < 4 && is_digit(s[n])) v = v * 10 + static_cast<uint32_t>(s[n++] - '0');
    if (n == 0 || n > 3 || v > 255 || (n > 1 && s[0] == '0')) return false;
    s.remove_prefix(n);
    a = a << 8 | v;
  }
  if (!s.empty()) return false;
  *out = a;
  return true;
}

size_t format_ipv4(uint32_t a, char* out) {
  size_t n = 0;
  for (int part = 3; part >= 0; --part) {
    uint32_t v = (a >> (part * 8)) & 0xff;
    if (v >= 100) out[n++] = static_cast<char>('0' + v / 100);
    if (v >= 10) out[n++] = static_cast<char>('0' + v / 10 % 10);
    out[n++] = static_cast<char>('0' + v % 10);
    if (part) out[n++] = '.';
  }
  return n;
}

bool parse_ipv4_range(std::string_view s, uint32_t* first, uint32_t* last) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  return parse_ipv4(s.substr(0, dash), first) && parse_ipv4(s.substr(dash + 1), last) && *first <= *last;
}

}  // namespace edgestat

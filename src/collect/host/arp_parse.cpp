#include "collect/host/arp_parse.hpp"

#include "core/ascii.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

bool hex_digit(char c) { return is_digit(c) || (to_lower(c) >= 'a' && to_lower(c) <= 'f'); }

// Go's net.ParseMAC in its colon form: 6, 8 or 20 groups of two hex digits
// (EUI-48, EUI-64, 20-octet InfiniBand). Dash and dot forms never appear in
// /proc/net/arp but are accepted the same way with '-'.
bool valid_mac(std::string_view s) {
  if (s.size() < 14 || (s[2] != ':' && s[2] != '-')) return false;
  char sep = s[2];
  if ((s.size() + 1) % 3 != 0) return false;
  size_t groups = (s.size() + 1) / 3;
  if (groups != 6 && groups != 8 && groups != 20) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool ok = (i % 3 == 2) ? s[i] == sep : hex_digit(s[i]);
    if (!ok) return false;
  }
  return true;
}

// strconv.ParseUint(s, 0, 8): decimal, 0x hex, 0o/leading-0 octal, 0b.
bool valid_flags(std::string_view s) {
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = s[1];
    if (p == 'x' || p == 'X') base = 16, s.remove_prefix(2);
    else if (p == 'o' || p == 'O') base = 8, s.remove_prefix(2);
    else if (p == 'b' || p == 'B') base = 2, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
  }
  if (s.empty()) return false;
  unsigned v = 0;
  for (char c : s) {
    if (c == '_') continue;  // Go allows digit separators with base 0
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    if (d >= base) return false;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > 255) return false;
  }
  return true;
}

}  // namespace

size_t parse_arp(std::string_view text, ArpDeviceCount* out, size_t cap, ArpError* err, std::string_view* bad) {
  *err = ArpError::None;
  size_t n = 0;
  Scanner lines(text);
  while (!lines.at_end()) {
    std::string_view line = lines.line();
    std::string_view col[6];
    size_t width = 0;
    Scanner sc(line);
    for (std::string_view t = sc.token(); !t.empty(); t = sc.token()) {
      if (width < 6) col[width] = t;
      ++width;
    }
    if (width == 0 || width == 9) continue;
    *bad = line;
    if (width != 6) {
      *err = ArpError::BadWidth;
      return n;
    }
    if (!valid_mac(col[3]) || !valid_flags(col[2])) {
      *err = ArpError::BadEntry;
      return n;
    }
    size_t i = 0;
    while (i < n && out[i].device != col[5]) ++i;
    if (i == n) {
      if (n == cap) {
        *err = ArpError::TooManyDevices;
        return n;
      }
      out[n++] = ArpDeviceCount{col[5], 0};
    }
    ++out[i].entries;
  }
  return n;
}

}  // namespace edgestat

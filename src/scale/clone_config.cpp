#include "scale/clone_config.hpp"

#include <cstdio>

#include "core/ipv4.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat::scale {
namespace {

constexpr std::string_view kMarkGroup = "edgestat.group", kMarkSeq = "edgestat.seq", kMarkToken = "edgestat.token";

// Splits "key = value" (trimmed); false for lines without '='.
bool key_value(std::string_view line, std::string_view* k, std::string_view* v) {
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return false;
  *k = trim(line.substr(0, eq));
  *v = trim(line.substr(eq + 1));
  return true;
}

// A marker line: "# edgestat.KEY = VALUE".
bool marker_line(std::string_view line, std::string_view* k, std::string_view* v) {
  line = trim(line);
  if (line.empty() || line[0] != '#') return false;
  line = trim(line.substr(1));
  return starts_with(line, "edgestat.") && key_value(line, k, v);
}

template <class Fn>
void lines(std::string_view text, Fn fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    fn(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// lxc.net.N.ipv4.address -> true (and N in *n).
bool ipv4_key(std::string_view k, std::string_view suffix, std::string_view* n) {
  if (!starts_with(k, "lxc.net.")) return false;
  std::string_view rest = k.substr(8);
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos || rest.substr(dot + 1) != suffix) return false;
  *n = rest.substr(0, dot);
  return true;
}

}  // namespace

CloneMarker read_clone_marker(std::string_view config) {
  CloneMarker m;
  lines(config, [&](std::string_view line) {
    std::string_view k, v;
    if (!marker_line(line, &k, &v)) return;
    if (k == kMarkGroup) m.group = v;
    else if (k == kMarkToken) m.token = v;
    else if (k == kMarkSeq) {
      std::optional<int64_t> s = parse_i64(v);
      m.seq = s && *s >= 0 ? *s : -1;
    }
  });
  return m;
}

void for_each_ipv4_address(std::string_view config, void (*fn)(void*, uint32_t), void* ctx) {
  lines(config, [&](std::string_view line) {
    std::string_view k, v, n;
    if (trim(line).substr(0, 1) == "#" || !key_value(line, &k, &v) || !ipv4_key(k, "ipv4.address", &n)) return;
    uint32_t a = 0;
    if (parse_ipv4(v.substr(0, v.find('/')), &a)) fn(ctx, a);
  });
}

size_t rewrite_clone_config(std::string_view config, const CloneSettings& s, char* out, size_t cap) {
  size_t len = 0;
  bool fits = true;
  auto put = [&](std::string_view t) {
    if (!fits || t.size() > cap - len) {
      fits = false;
      return;
    }
    for (char c : t) out[len++] = c;
  };
  lines(config, [&](std::string_view line) {
    std::string_view k, v, n;
    if (marker_line(line, &k, &v)) return;
    if (s.address && key_value(line, &k, &v) && trim(line).substr(0, 1) != "#" &&
        ((ipv4_key(k, "ipv4.address", &n) || ipv4_key(k, "ipv4.gateway", &n)) && n == "0"))
      return;
    put(line);
    put("\n");
  });
  // Drop the empty line the split leaves after a final newline.
  while (len >= 2 && out[len - 1] == '\n' && out[len - 2] == '\n') --len;
  char b[160];
  int m = std::snprintf(b, sizeof b, "# edgestat.group = %.*s\n# edgestat.seq = %lld\n# edgestat.token = %.*s\n",
                        int(s.group.size()), s.group.data(), static_cast<long long>(s.seq), int(s.token.size()),
                        s.token.data());
  if (m < 0 || static_cast<size_t>(m) >= sizeof b) return 0;
  put(std::string_view(b, static_cast<size_t>(m)));
  if (s.address) {
    char a[16];
    put("lxc.net.0.ipv4.address = ");
    put(std::string_view(a, format_ipv4(s.address, a)));
    m = std::snprintf(b, sizeof b, "/%u\n", s.prefix);
    put(std::string_view(b, static_cast<size_t>(m)));
    if (s.gateway) {
      put("lxc.net.0.ipv4.gateway = ");
      put(std::string_view(a, format_ipv4(s.gateway, a)));
      put("\n");
    }
  }
  return fits ? len : 0;
}

}  // namespace edgestat::scale

#include "collect/host/time_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {

bool is_clocksource_dir(std::string_view name) {
  constexpr std::string_view kPrefix = "clocksource";
  return name.size() > kPrefix.size() && starts_with(name, kPrefix) && name[kPrefix.size()] >= '0' &&
         name[kPrefix.size()] <= '9';
}

bool parse_clocksource_list(std::string_view text, std::string_view* out, size_t cap, size_t* n) {
  *n = 0;
  Scanner sc(text);
  for (std::string_view tok = sc.token(); !tok.empty(); tok = sc.token()) {
    bool seen = false;
    for (size_t i = 0; i < *n && !seen; ++i) seen = out[i] == tok;
    if (seen) continue;
    if (*n == cap) return false;
    out[(*n)++] = tok;
  }
  return true;
}

std::string_view parse_clocksource_current(std::string_view text) { return trim(text); }

}  // namespace edgestat

#include "collect/host/thermal_zone_parse.hpp"

#include "core/number.hpp"
#include "core/scan.hpp"

namespace edgestat {

bool thermal_entry_suffix(std::string_view entry, std::string_view prefix, std::string_view* suffix) {
  if (entry.size() <= prefix.size() || entry.substr(0, prefix.size()) != prefix) return false;
  char c = entry[prefix.size()];
  if (c < '0' || c > '9') return false;
  *suffix = entry.substr(prefix.size());
  return true;
}

std::string_view thermal_trim(std::string_view raw) { return trim(raw); }

bool thermal_parse_int(std::string_view raw, int64_t* v) {
  std::string_view t = trim(raw);
  // Go's ParseInt takes a leading '+', from_chars does not.
  if (t.size() > 1 && t[0] == '+' && t[1] != '-' && t[1] != '+') t.remove_prefix(1);
  auto r = parse_i64(t);
  if (!r) return false;
  *v = *r;
  return true;
}

}  // namespace edgestat

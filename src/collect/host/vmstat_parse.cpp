#include "collect/host/vmstat_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

// The name becomes node_vmstat_<name>, so it must be metric-name characters
// (the prefix already supplies a valid first character).
bool valid_field_name(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
    if (!ok) return false;
  }
  return !s.empty();
}

}  // namespace

VmstatLine parse_vmstat_line(std::string_view line, std::string_view* name, double* value) {
  Scanner sc(line);
  std::string_view n = sc.token();
  if (n.empty()) return VmstatLine::Blank;
  auto v = parse_double(sc.token());
  if (!v || !valid_field_name(n)) return VmstatLine::Malformed;
  *name = n;
  *value = *v;
  return VmstatLine::Field;
}

}  // namespace edgestat

#include "collect/host/meminfo_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {

bool parse_meminfo_line(std::string_view line, MeminfoEntry* e) {
  size_t colon = find_byte(line, ':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = line.substr(0, colon);
  Scanner sc(line.substr(colon + 1));
  auto v = sc.u64();
  if (!v) return false;
  std::string_view unit = sc.token();
  if (!unit.empty() && unit != "kB") return false;
  if (!sc.token().empty()) return false;
  e->key.clear();
  for (char c : name) {
    if (c == '(') {
      e->key.push_back('_');
    } else if (c != ')') {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok) return false;
      e->key.push_back(c);
    }
  }
  if (unit == "kB") {
    e->key.append("_bytes");
    e->value = static_cast<double>(*v) * 1024;
  } else {
    e->value = static_cast<double>(*v);
  }
  return !e->key.overflowed();
}

}  // namespace edgestat

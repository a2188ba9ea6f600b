#include "collect/host/uname_parse.hpp"

namespace edgestat {

bool parse_uts_value(std::string_view text, std::string_view* out) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.size() > kUtsFieldMax || text.find('\0') != std::string_view::npos) return false;
  *out = text;
  return true;
}

std::string_view uts_field(const char* field, size_t cap) {
  size_t n = 0;
  while (n < cap && field[n] != '\0') ++n;
  return {field, n};
}

}  // namespace edgestat

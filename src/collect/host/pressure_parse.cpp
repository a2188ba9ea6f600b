#include "collect/host/pressure_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

// "key=value" with the expected key; the value as a view.
bool keyed(std::string_view tok, std::string_view key, std::string_view* value) {
  if (tok.size() <= key.size() || tok.substr(0, key.size()) != key || tok[key.size()] != '=') return false;
  *value = tok.substr(key.size() + 1);
  return true;
}

bool parse_line_total(Scanner& sc, uint64_t* total) {
  std::string_view v;
  if (!keyed(sc.token(), "avg10", &v) || !parse_double(v)) return false;
  if (!keyed(sc.token(), "avg60", &v) || !parse_double(v)) return false;
  if (!keyed(sc.token(), "avg300", &v) || !parse_double(v)) return false;
  if (!keyed(sc.token(), "total", &v)) return false;
  auto t = parse_u64(v);
  if (!t) return false;
  *total = *t;
  return true;
}

}  // namespace

bool parse_psi(std::string_view text, PsiTotals* out) {
  *out = PsiTotals{};
  Scanner lines(text);
  while (!lines.at_end()) {
    Scanner sc(lines.line());
    std::string_view kind = sc.token();
    if (kind == "some") {
      if (!parse_line_total(sc, &out->some_total)) return false;
      out->has_some = true;
    } else if (kind == "full") {
      if (!parse_line_total(sc, &out->full_total)) return false;
      out->has_full = true;
    }
  }
  return true;
}

}  // namespace edgestat

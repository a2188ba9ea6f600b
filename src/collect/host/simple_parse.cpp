#include "collect/host/simple_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {

bool parse_loadavg(std::string_view text, double out[3]) {
  Scanner sc(text);
  for (int i = 0; i < 3; ++i) {
    auto v = sc.f64();
    if (!v) return false;
    out[i] = *v;
  }
  return true;
}

bool parse_file_nr(std::string_view text, uint64_t* allocated, uint64_t* maximum) {
  Scanner sc(text);
  auto a = sc.u64();
  auto unused = sc.u64();
  auto m = sc.u64();
  if (!a || !unused || !m) return false;
  *allocated = *a;
  *maximum = *m;
  return true;
}

}  // namespace edgestat

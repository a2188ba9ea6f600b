#include "collect/host/cpu_list_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

// One "a" or "a-b" element; false if malformed.
bool element(std::string_view e, uint32_t* lo, uint32_t* hi) {
  std::string_view a = next_field(e, '-');
  auto x = parse_u64(a);
  auto y = e.empty() && e.data() == nullptr ? x : parse_u64(e);
  if (!x || !y || *x > kMaxCpuListCpu || *y > kMaxCpuListCpu || *y < *x) return false;
  *lo = static_cast<uint32_t>(*x);
  *hi = static_cast<uint32_t>(*y);
  return true;
}

}  // namespace

size_t parse_cpu_list(std::string_view text, uint32_t* out, size_t cap) {
  text = trim(text);
  size_t n = 0;
  while (!text.empty()) {
    uint32_t lo, hi;
    if (!element(next_field(text, ','), &lo, &hi)) return SIZE_MAX;
    for (uint32_t c = lo; c <= hi; ++c) {
      if (n == cap) return SIZE_MAX;
      out[n++] = c;
    }
  }
  return n;
}

bool cpu_list_contains(std::string_view text, uint32_t cpu) {
  text = trim(text);
  while (!text.empty()) {
    uint32_t lo, hi;
    if (!element(next_field(text, ','), &lo, &hi)) return false;
    if (cpu >= lo && cpu <= hi) return true;
  }
  return false;
}

}  // namespace edgestat

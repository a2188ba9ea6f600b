#include "collect/host/softnet_parse.hpp"

#include "core/scan.hpp"

namespace edgestat {
namespace {

bool hex32(std::string_view s, uint32_t* out) {
  auto v = parse_hex_u64(s);  // ParseUint(s, 16, 32): a 32-bit range check on top
  if (!v || *v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(*v);
  return true;
}

// Columns kept per line; kernels have 13 today.
constexpr int kMaxSoftnetColumns = 32;

}  // namespace

bool parse_softnet_line(std::string_view line, uint32_t position, SoftnetLine* out) {
  std::string_view cols[kMaxSoftnetColumns];
  int n = 0;
  Scanner sc(line);
  for (std::string_view t = sc.token(); !t.empty(); t = sc.token())
    if (n < kMaxSoftnetColumns) cols[n++] = t;
  if (n < 9) return false;
  uint32_t v[13] = {};
  for (int i = 0; i < 9; ++i)
    if (!hex32(cols[i], &v[i])) return false;
  if (n >= 10 && !hex32(cols[9], &v[9])) return false;
  if (n >= 11 && !hex32(cols[10], &v[10])) return false;
  if (n >= 13 && (!hex32(cols[11], &v[11]) || !hex32(cols[12], &v[12]))) return false;
  *out = SoftnetLine{v[0], v[1], v[2], v[8], v[9], v[10], v[11], n >= 13 ? v[12] : position};
  return true;
}

}  // namespace edgestat

#include "scale/pct_argv.hpp"

#include <cmath>
#include <cstring>

#include "collect/lxc/config_parse.hpp"
#include "core/number.hpp"

namespace edgestat::scale {

bool build_pct_set(std::string_view vmid, double cores, double bytes, PctArgv* out) {
  *out = PctArgv{};
  if (!lxc::is_vmid(vmid)) return false;
  if (cores <= 0 && bytes <= 0) return false;
  size_t used = 0;
  auto arg = [&](std::string_view s) {
    if (used + s.size() + 1 > sizeof out->storage || out->argc >= PctArgv::kMaxArgs) return false;
    std::memcpy(out->storage + used, s.data(), s.size());
    out->storage[used + s.size()] = '\0';
    out->argv[out->argc++] = out->storage + used;
    used += s.size() + 1;
    return true;
  };
  char num[32];
  bool ok = arg("pct") && arg("set") && arg(vmid);
  if (cores > 0) {
    if (cores > kPctMaxCores) return false;
    // CPUs visible: the quota rounded up; the quota itself as cpulimit.
    ok = ok && arg("-cores") && arg(std::string_view(num, format_u64(static_cast<uint64_t>(std::ceil(cores)), num)));
    ok = ok && arg("-cpulimit") && arg(std::string_view(num, format_double(cores, num)));
  }
  if (bytes > 0) {
    double mib = std::floor(bytes / 1048576);
    if (mib < kPctMinMemoryMiB) return false;
    ok = ok && arg("-memory") && arg(std::string_view(num, format_u64(static_cast<uint64_t>(mib), num)));
  }
  out->argv[out->argc] = nullptr;
  return ok;
}

bool pct_config_shows(const lxc::PveConfig& pve, double cores, double bytes) {
  if (cores > 0) {
    if (!pve.has_cores || pve.cores != static_cast<uint32_t>(std::ceil(cores))) return false;
    // cpulimit is written as format_double prints it, which reads back exactly.
    if (!pve.has_cpulimit || std::fabs(pve.cpulimit - cores) > 1e-9) return false;
  }
  if (bytes > 0) {
    double mib = std::floor(bytes / 1048576);
    if (!pve.has_memory || pve.memory_bytes != static_cast<uint64_t>(mib) * 1048576) return false;
  }
  return true;
}

}  // namespace edgestat::scale

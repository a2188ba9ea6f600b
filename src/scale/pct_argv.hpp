#pragma once
// The Proxmox actuator's command line: `pct set VMID -cores N -cpulimit C
// -memory MiB`, from pct(1): -cores <integer> (1 - 8192) is the number of
// CPUs the container sees, -cpulimit <number> (0 - 8192) the CPU time
// quota in cores (fractional), -memory <integer> (16 - N) in MiB. Built as
// an argv (never a shell line) into caller storage; the VMID is validated.
// No Proxmox host is available here: the contract test checks the argv
// against that documented syntax only.
#include <cstddef>
#include <string_view>

#include "collect/lxc/config_parse.hpp"

namespace edgestat::scale {

struct PctArgv {
  static constexpr size_t kMaxArgs = 10;
  const char* argv[kMaxArgs + 1] = {};
  size_t argc = 0;
  char storage[160] = {};
};

// pct's ranges.
inline constexpr double kPctMaxCores = 8192;
inline constexpr double kPctMinMemoryMiB = 16;

// cores <= 0 or bytes <= 0 leaves that option out. False: invalid VMID,
// a value outside pct's ranges, or nothing to set.
bool build_pct_set(std::string_view vmid, double cores, double bytes, PctArgv* out);

// The read-back of a `pct set` built from the same cores and bytes: true
// when the container's VMID.conf shows what it set (cores, cpulimit,
// memory in MiB, each only when it was set).
bool pct_config_shows(const lxc::PveConfig& pve, double cores, double bytes);

}  // namespace edgestat::scale

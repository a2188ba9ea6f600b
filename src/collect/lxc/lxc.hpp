#pragma once
// The lxc collector: per-container metrics (lxc_*) for LXC and Proxmox
// containers, read from cgroup v1, hybrid or v2 files without liblxc.
// See README.md ("LXC container metrics") for every family and its source files.
#include "collect/collector.hpp"

namespace edgestat {

Status collect_lxc(CollectContext& ctx);

}  // namespace edgestat

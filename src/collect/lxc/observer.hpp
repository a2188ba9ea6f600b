#pragma once
// The one consumer of the lxc collector's readings besides the snapshot:
// the autoscaler (app/autoscale_wiring.hpp) registers here and is handed
// each container's freshly read stats during the collection, so it never
// reads the cgroup files a second time. Loop thread only.
#include "collect/lxc/cgroup_read.hpp"
#include "collect/lxc/discovery.hpp"

namespace edgestat::lxc {

// stats is null for a stopped container.
using StatsObserver = void (*)(void* ctx, const Discovery& d, const Container& ct, const ContainerStats* stats);

// One observer; null fn removes it.
void set_stats_observer(StatsObserver fn, void* ctx);
void notify_stats_observer(const Discovery& d, const Container& ct, const ContainerStats* stats);

}  // namespace edgestat::lxc

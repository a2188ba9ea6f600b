#pragma once
// The cpu collector's sysfs and /proc/cpuinfo parts (cpu_extras.cpp).
#include "collect/collector.hpp"

namespace edgestat {

Status collect_cpu_extras(CollectContext& ctx);

}  // namespace edgestat

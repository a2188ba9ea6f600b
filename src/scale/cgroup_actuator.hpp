#pragma once
// The runtime actuator: writes a running container's cgroup limit files
// directly (cgroup v2 cpu.max, memory.max, memory.high; v1 cpu.cfs_quota_us,
// memory.limit_in_bytes) and reads each back. A write that fails or reads
// back another value is an error with the file and both values, never
// "done". Writes are a few bytes to cgroupfs, done on the loop; a memory
// shrink reclaims in the kernel, which is why shrinks are small steps.
//
// Memory on v2 shrinks in two steps, high before max: a shrink sets
// memory.high (throttling and reclaim, no OOM kill) to the new size and
// brings memory.max down only to the size it had before, which the last
// cycle proved safe. Growth raises max first, then high.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "sys/fs.hpp"

namespace edgestat::scale {

struct CgroupTarget {
  bool v2 = false;
  PathBuf cpu_dir;  // v2: the container's unified cgroup; v1: <cgroupfs>/cpu<path>
  PathBuf mem_dir;  // v2: the same; v1: <cgroupfs>/memory<path>
};

struct ApplyOutcome {
  bool ok = false;
  // Not ok because the file reads back another value than was written (the
  // write itself was taken): the audit's "unconfirmed", not "failed".
  bool unconfirmed = false;
  FixedString<200> error;  // which file, what was written, what read back
};

// The quota period when the file gives none: the kernel's default.
inline constexpr uint64_t kDefaultPeriodUs = 100000;
// Quotas below 1 ms per period are refused by the kernel.
inline constexpr uint64_t kMinQuotaUs = 1000;

uint64_t cores_to_quota_us(double cores, uint64_t period_us);
// "QUOTA PERIOD" for v2 cpu.max.
size_t format_cpu_max(uint64_t quota_us, uint64_t period_us, char* out, size_t cap);

ApplyOutcome apply_cpu(const CgroupTarget& t, double cores);
// from: the limit in force (the lower of high and max); to: the new one.
ApplyOutcome apply_memory(const CgroupTarget& t, double from, double to);

}  // namespace edgestat::scale

#pragma once
// Reads one running container's cgroup files into ContainerStats, with the
// same units whatever the layout: seconds, bytes, counts. v1 (and hybrid)
// read the per-controller hierarchies under <cgroupfs>/<controller>; v2 the
// unified one. A value the layout or kernel does not provide stays unset,
// so its family is absent rather than zero.
#include <cstdint>
#include <optional>

#include "collect/lxc/cgroup_parse.hpp"
#include "collect/lxc/discovery.hpp"

namespace edgestat::lxc {

// lxc_memory_stat_bytes{type}: the types reported, in v2's names.
enum MemType : uint8_t {
  kMemAnon, kMemFile, kMemKernel, kMemKernelStack, kMemPagetables, kMemSock, kMemShmem, kMemFileMapped,
  kMemFileDirty, kMemFileWriteback, kMemSwapcached, kMemActiveAnon, kMemInactiveAnon, kMemActiveFile,
  kMemInactiveFile, kMemUnevictable, kMemSlabReclaimable, kMemSlabUnreclaimable, kMemTypes
};
extern const std::string_view kMemTypeNames[kMemTypes];

// lxc_memory_events_total{event}.
enum MemEvent : uint8_t { kEvHigh, kEvMax, kEvOom, kEvOomKill, kMemEvents };
extern const std::string_view kMemEventNames[kMemEvents];

// lxc_pressure_{cpu,memory,io}_{waiting,stalled}_seconds_total.
enum Psi : uint8_t { kPsiCpuSome, kPsiCpuFull, kPsiMemSome, kPsiMemFull, kPsiIoSome, kPsiIoFull, kPsiCount };

struct ContainerStats {
  std::optional<double> cpu_usage, cpu_user, cpu_system;  // seconds
  std::optional<double> cfs_periods, cfs_throttled_periods, cfs_throttled_seconds;
  std::optional<double> quota_cores, cpu_weight, cpuset_cpus;
  std::optional<double> mem_usage, mem_working_set, swap_usage;
  std::optional<double> mem_limit, mem_high, swap_limit;
  std::optional<double> mem_stat[kMemTypes];
  std::optional<double> mem_events[kMemEvents];
  std::optional<double> pids_current, pids_limit;
  std::optional<double> psi[kPsiCount];
  bool has_io = false;  // the io/blkio files were readable
  IoDevice io[kMaxIoDevices];
  size_t nio = 0, io_dropped = 0;
};

// scratch holds one file at a time (memory.stat can be a few KiB).
void read_stats(Layout layout, std::string_view cgroupfs, const Container& ct, char* scratch, size_t cap,
                ContainerStats* out);

}  // namespace edgestat::lxc

#pragma once
// Pure parsers for the cgroup and procfs files the lxc collector reads.
// Every function takes the file's text as a view, writes into caller-owned
// fixed outputs and allocates nothing; malformed input is refused (false,
// nullopt or a zero count), never guessed at.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat::lxc {

// "key value" lines (cpu.stat, memory.stat, memory.events, v1 cpuacct.stat,
// memory.oom_control): for each keys[i] found with a number that fits 64
// bits, values[i] is set and bit i of the result is set. Unknown keys and
// malformed lines are skipped (new kernels add keys). At most 64 keys.
uint64_t parse_flat_keyed(std::string_view text, const std::string_view* keys, size_t nkeys, uint64_t* values);

// A limit file: a number, or "max" (v2) for no limit. v1 reports "no limit"
// as a huge page-aligned number; values at or above kV1Unlimited count as
// unlimited too. nullopt: malformed; *unlimited says which case.
inline constexpr uint64_t kV1Unlimited = uint64_t{1} << 62;
std::optional<uint64_t> parse_limit(std::string_view text, bool* unlimited);

// v2 cpu.max "QUOTA PERIOD" or "max PERIOD": quota in cores (quota/period)
// or *unlimited. False when malformed or the period is 0.
bool parse_cpu_max(std::string_view text, double* cores, bool* unlimited);

// A cpuset list ("0-3,8,10-11"): how many CPUs it names. nullopt when
// malformed; an empty list is 0 CPUs.
std::optional<uint32_t> parse_cpuset_count(std::string_view text);

// cgroup v1 cpu.shares to v2 cpu.weight by the scheduler weight they both
// set (1024 shares = weight 100), rounded and clamped to 1..10000.
uint64_t shares_to_weight(uint64_t shares);

// One block device's I/O totals (v2 io.stat line, or v1 blkio summed).
struct IoDevice {
  uint32_t major = 0, minor = 0;
  uint64_t rbytes = 0, wbytes = 0, rios = 0, wios = 0;
};
// Devices per container we keep; a container touching more devices gets
// the rest dropped and counted in *dropped.
inline constexpr size_t kMaxIoDevices = 16;

// v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N".
// Returns devices parsed; malformed lines are skipped.
size_t parse_io_stat(std::string_view text, IoDevice* out, size_t cap, size_t* dropped);

// v1 blkio.throttle.io_service_bytes / io_serviced: "MAJ:MIN Read N" ...
// and a final "Total N". Adds Read into *r_field and Write into *w_field of
// the matching device in out (appending new devices up to cap). bytes
// selects rbytes/wbytes, otherwise rios/wios.
size_t parse_blkio_v1(std::string_view text, bool bytes, IoDevice* out, size_t n, size_t cap, size_t* dropped);

// /proc/PID/cgroup: "ID:controllers:path" lines. The paths of the
// controllers the collector reads, as views into text; empty = not listed.
enum Controller : uint8_t { kCpu, kCpuacct, kCpuset, kMemory, kBlkio, kPids, kUnified, kControllers };
struct ProcCgroup {
  std::string_view path[kControllers];
};
// False when no line parses.
bool parse_proc_cgroup(std::string_view text, ProcCgroup* out);

// /proc/PID/stat: field 22, the start time in clock ticks after boot. The
// comm field may hold spaces and parentheses, so fields count from the
// last ')'.
std::optional<uint64_t> parse_pid_starttime(std::string_view text);

// /proc/PID/status: true when the NSpid line's innermost pid is 1, i.e.
// the process is the init of its own pid namespace (a container's init).
bool parse_status_is_ns_init(std::string_view text);

// cgroup.procs: up to cap pids in file order. Stops at the first
// malformed line.
size_t parse_pid_list(std::string_view text, int32_t* out, size_t cap);

// /proc/btime from /proc/stat's "btime N" line.
std::optional<uint64_t> parse_btime(std::string_view text);

// One /proc/net/unix line: the socket path column when it is an abstract
// name (starts with '@'), else an empty view.
std::string_view parse_unix_abstract_path(std::string_view line);

// The abstract socket name (without the leading '@') that LXC's monitor
// listens on for container name under lxcpath: "LXCPATH/NAME/command", or
// when that does not fit sun_path "lxc/<fnv1a64 of LXCPATH/NAME>/command"
// (lxc_make_abstract_socket_name). False when the result does not fit.
bool lxc_command_socket_name(std::string_view lxcpath, std::string_view name, FixedString<128>* out);

}  // namespace edgestat::lxc

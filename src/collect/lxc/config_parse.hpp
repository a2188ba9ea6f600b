#pragma once
// Pure parsers for container configuration files: LXC's NAME/config
// (lxc.container.conf(5): "key = value" lines, '#' comments) and Proxmox's
// /etc/pve/lxc/VMID.conf ("key: value" lines, then [snapshot] sections).
// Values are copied into fixed strings; one that does not fit is refused
// (the field stays empty and *_overflow is set), never cut.
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat::lxc {

// A cgroup path segment under the cgroup root: LXC's own limit is PATH_MAX,
// ours is what a container's name and a few levels of lxc.cgroup.dir need.
using CgroupRel = FixedString<160>;
// Container names: LXC allows up to NAME_MAX; hostnames up to 64 (HOST_NAME_MAX).
using ShortName = FixedString<64>;

// Interfaces per container whose host-side veth name the config gives.
inline constexpr size_t kMaxConfigNets = 4;

struct LxcConfig {
  ShortName uts_name;         // lxc.uts.name
  CgroupRel cgroup_dir;       // lxc.cgroup.dir
  CgroupRel container_dir;    // lxc.cgroup.dir.container
  CgroupRel container_inner;  // lxc.cgroup.dir.container.inner
  // Limits set in the config (applied at start). Reported for stopped
  // containers, whose cgroup is gone; running ones report the cgroup's.
  bool has_memory_limit = false;
  uint64_t memory_limit = 0;  // lxc.cgroup2.memory.max / lxc.cgroup.memory.limit_in_bytes
  bool has_cpu_quota = false;
  double cpu_quota_cores = 0;  // lxc.cgroup2.cpu.max / cfs_quota_us over cfs_period_us
  uint32_t nets = 0;           // lxc.net.N entries seen (N < kMaxConfigNets)
  ShortName veth_pair[kMaxConfigNets];  // lxc.net.N.veth.pair
  ShortName net_type[kMaxConfigNets];   // lxc.net.N.type
  bool overflow = false;  // some value did not fit its field
};

// Parses a whole config; lines it does not know are ignored (lxc.include is
// not followed). Returns the number of lxc.* keys seen.
uint32_t parse_lxc_config(std::string_view text, LxcConfig* out);

// One "key = value" line: key and value trimmed, value unquoted ('…' or "…").
// False for blank, comment and malformed lines.
bool parse_lxc_config_line(std::string_view line, std::string_view* key, std::string_view* value);

struct PveConfig {
  ShortName hostname;
  bool has_cores = false;
  uint32_t cores = 0;
  bool has_cpulimit = false;
  double cpulimit = 0;  // 0 = unlimited
  bool has_memory = false;
  uint64_t memory_bytes = 0;  // memory: MiB
  bool has_swap = false;
  uint64_t swap_bytes = 0;  // swap: MiB
  // "tags: a;b" as written (pct(1): separated by ';', also ',' or spaces;
  // the autoscaler's tiers select by them, config/autoscale_schema.hpp).
  FixedString<192> tags;
  // "lock: backup" (migrate, snapshot, rollback...): Proxmox is working on
  // the container; the autoscaler leaves it alone (skip reason "locked").
  FixedString<32> lock;
  bool overflow = false;
};

// Parses the current configuration: stops at the first "[section]" (a
// snapshot or [pve:pending]). Returns the number of keys understood.
uint32_t parse_pve_config(std::string_view text, PveConfig* out);

// True when s is a Proxmox VMID: 1 to 9 digits, no leading zero.
bool is_vmid(std::string_view s);

}  // namespace edgestat::lxc

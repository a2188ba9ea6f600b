#pragma once
// Container discovery and cgroup resolution without liblxc.
//
// The table of tracked containers is one fixed array reserved on the first
// collection (before the agent logs `started`) with [collector.lxc]
// max_containers slots; containers beyond it are counted, not tracked.
// Each scrape:
//   1. lists the Proxmox config dir (VMID.conf) and every lxcpath (NAME/
//      config), all under --path.rootfs, and matches them to slots by name;
//   2. reads <procfs>/net/unix once: a container is running when LXC's
//      command socket (@LXCPATH/NAME/command, or its hashed form) is there;
//   3. for a running container, checks the cached init pid is the same
//      process (its start time in /proc/PID/stat); if not, finds the init
//      (a process in the container's cgroup subtree whose NSpid is 1) and
//      resolves every controller's cgroup from /proc/INITPID/cgroup.
// A new init start time is a restart: the counter guard folds the old
// totals into offsets so exported counters never step back.
#include <cstdint>

#include "collect/lxc/cgroup_parse.hpp"
#include "collect/lxc/config_parse.hpp"
#include "core/status.hpp"
#include "sys/fs.hpp"

namespace edgestat {
struct Config;
}

namespace edgestat::lxc {

enum class Layout : uint8_t { None, V1, Hybrid, V2 };

// Counters per container kept monotonic across restarts (cpu 6, memory
// events 4, pressure 6, 4 per block device, 8 per interface); beyond this a
// counter is exported as read and the miss counted.
inline constexpr size_t kGuardEntries = 96;

struct GuardEntry {
  uint64_t key = 0;  // 0 = free
  double last = 0, offset = 0;
};

struct Container {
  bool used = false;
  bool seen = false;      // found by discovery in this scrape
  bool is_pve = false;    // has /etc/pve/lxc/VMID.conf
  bool has_lxc_config = false;
  bool running = false;
  bool socket_seen = false;
  uint8_t lxcpath = 0;    // index into [collector.lxc] lxcpath
  ShortName name;         // LXC's name (directory, socket, cgroup)
  ShortName vmid;         // Proxmox only
  LxcConfig cfg;
  PveConfig pve;
  FixedString<128> socket;  // abstract command socket name
  int32_t pid = 0;          // init pid in the host's pid namespace
  uint64_t starttime = 0;   // init start, clock ticks after boot
  uint64_t restarts = 0;
  CgroupRel path[kControllers];  // resolved, "/lxc.payload.NAME"; empty = controller absent
  GuardEntry guard[kGuardEntries];
};

struct Discovery {
  Container* slots = nullptr;
  uint32_t cap = 0;
  // Slots [0, live) are constructed (used or free for reuse); the rest of
  // the table is untouched memory until more containers appear.
  uint32_t live = 0;
  uint32_t untracked = 0;     // found this scrape without a free slot
  uint64_t guard_misses = 0;  // counters exported unguarded (table full)
  Layout layout = Layout::None;
  PathBuf layout_root;  // the cgroupfs root layout was detected under
  bool socket_list_ok = false;  // <procfs>/net/unix was readable
};

// The collector's state (loop thread only). reserve() takes the table once.
Discovery& discovery();
bool reserve_slots(Discovery& d, uint32_t cap);
// Forgets every container and frees the table (tests, shutdown).
void release_slots(Discovery& d);

// Steps 1-3 above. Fails only when no lxcpath nor Proxmox directory exists
// (ENOENT: LXC is not installed here).
Status discover(Discovery& d, const Config& c, char* scratch, size_t scratch_cap);

// The exported value of a counter: v plus what earlier incarnations of the
// container counted. key identifies the series within the container.
double guard_counter(Discovery& d, Container& ct, uint64_t key, double v);

// Labels: LXC name, or the Proxmox hostname (VMID when none).
std::string_view display_name(const Container& ct);

}  // namespace edgestat::lxc

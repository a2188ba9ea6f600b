#pragma once
// Persists the autoscaler's new sizes of Proxmox containers through pct:
// `pct set VMID -cores N -cpulimit C -memory MiB` (scale/pct_argv.hpp).
// On Proxmox a container's config lives in /etc/pve, the cluster
// filesystem only Proxmox's tools may write, so the LXC config rewrite
// (scale/lxc_config_edit) is not for these containers.
//
// One pct at a time: pct takes the container's config lock, and a small
// box gains nothing from parallel cluster writes. Containers waiting are
// flagged by table slot, and the newest size wins. pct exiting 0 is not
// enough: the next collection's parse of VMID.conf (which the lxc
// collector reads anyway, never a second reader) must show the values,
// or the write counts as failed. Failures are logged with pct's error
// line and counted; the next action of the container tries again (never
// a retry loop).
#include <uv.h>

#include <cstdint>
#include <string_view>

#include "collect/lxc/config_parse.hpp"
#include "core/fixed_string.hpp"
#include "scale/command_runner.hpp"

namespace edgestat {

class PctPersist {
 public:
  // pct waits up to 10 s for the container's config lock and writes
  // through the cluster filesystem; a minute means it is stuck.
  static constexpr uint32_t kTimeoutMs = 60000;

  PctPersist() = default;
  PctPersist(const PctPersist&) = delete;
  PctPersist& operator=(const PctPersist&) = delete;

  // counters[0] counts confirmed writes, counters[1] failed ones.
  bool init(uv_loop_t* loop, uint32_t capacity, uint64_t* counters);
  // The size of `vmid` (table slot `slot`) to persist: cores <= 0 or
  // bytes <= 0 (unlimited) leaves that option out.
  void want(uint32_t slot, std::string_view name, std::string_view vmid, double cores, double bytes);
  // Waiting, running, or awaiting its read-back.
  bool busy(uint32_t slot) const;
  // The container's VMID.conf as this collection read it: confirms or
  // fails a write awaiting its read-back.
  void confirm(uint32_t slot, const lxc::PveConfig& pve);
  void close();

 private:
  struct Slot {
    bool wanted = false, running = false, awaiting = false;
    FixedString<64> name;
    lxc::ShortName vmid;
    double cores = 0, bytes = 0;
  };
  static void done_cb(void* ctx, const scale::CommandResult& r);
  void start();

  scale::CommandRunner runner_;
  Slot* slots_ = nullptr;
  uint32_t cap_ = 0;
  bool running_ = false;
  uint32_t current_ = 0;
  uint64_t* counters_ = nullptr;
};

}  // namespace edgestat

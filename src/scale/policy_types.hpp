#pragma once
// The autoscaler's vocabulary: resources, directions, modes, the reasons a
// decision is skipped, and one tier's policy parameters. Plain data, shared
// by the pure policy (recommend.hpp, decide.hpp), the config and the tests.
#include <cstdint>
#include <string_view>

#include "config/autoscale_config.hpp"

namespace edgestat::scale {

enum class Resource : uint8_t { Cpu, Memory };
inline constexpr int kResources = 2;
std::string_view resource_name(Resource r);

enum class Direction : uint8_t { None, Up, Down };
std::string_view direction_name(Direction d);

// off: nothing computed; recommend: computed and published, never applied
// (a dry run); on: applied.
using Mode = AutoscaleMode;
std::string_view mode_name(Mode m);

// Why a cycle did not act on a container, as lxc_autoscaler_decision_
// skipped_total{reason}. None: no refusal (nothing to do, or an action).
enum class Skip : uint8_t {
  None,
  NoSample,        // first sample, restart or counter reset: not a sample
  WarmingUp,       // fewer than min_samples in the histogram
  Cooldown,        // the direction's cooldown has not elapsed
  HostReserve,     // admission control: the host has no room left
  AtBound,         // already at the tier's bound (max up, floor down)
  MemoryPressure,  // shrink stopped: PSI, high/max or OOM events rose
  Stopped,         // the container is not running
  Locked,          // Proxmox lock (backup, migration...)
  Restarted,       // the container restarted while its action was pending
  Busy,            // an action on this container is still in flight
  ActuatorFailed,  // the write failed or did not read back (counted, not retried at once)
  Unlimited,       // memory/CPU unlimited and no tier max to start from
};
inline constexpr int kSkipReasons = 13;
std::string_view skip_name(Skip s);

// One tier's parameters (defined with the config, which must not depend
// on scale/).
using TierPolicy = edgestat::TierPolicy;


}  // namespace edgestat::scale

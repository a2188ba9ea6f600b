#pragma once
// The autoscaler's state for every container the lxc collector tracks: a
// fixed table (sized from [collector.lxc] max_containers, reserved before
// `started`) of per-container policies, holdings and counters. Each
// collection:
//   1. observe(): every container's reading (managed or not: what every
//      container holds counts for admission control);
//   2. decide_all(): a decision per managed container and resource;
//      growth is admitted in table order against the host's room, and
//      each admitted growth takes its room at once;
//   3. the caller actuates (On mode) and reports each outcome with
//      applied(); in Recommend mode it records them as dry runs.
// Pure: no I/O, no clock (tests and the benchmark drive it).
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "scale/container_scaler.hpp"

namespace edgestat::scale {

// Outcomes of lxc_autoscaler_actions_total{result}.
enum class Result : uint8_t { Ok, Failed, DryRun };
inline constexpr int kResults = 3;
std::string_view result_name(Result r);

struct ScaleEntry {
  bool used = false;
  bool seen = false;     // observed in this cycle
  bool running = false;
  bool locked = false;
  bool busy = false;     // an action (or its persist job) is in flight
  FixedString<64> name;
  int tier = -1;         // -1: not managed (its holdings still count)
  uint64_t incarnation = 0;
  double current[kResources] = {};   // the limit in force (tier max when unlimited)
  bool unlimited[kResources] = {};
  ContainerScaler scaler;
  Decision last[kResources];         // the latest decision and its reason
  bool pending[kResources] = {};     // last[] is an action to take now
  double last_action_wall_s = 0;     // Unix seconds of the last applied action
  uint64_t actions[kResources][2][kResults] = {};  // resource, up/down, result
  uint64_t skipped[kSkipReasons] = {};
};

struct HostSize {
  double cores = 0, memory = 0;
  double reserve_cores = 0, reserve_memory = 0;
};

class Autoscaler {
 public:
  Autoscaler() = default;
  Autoscaler(const Autoscaler&) = delete;
  Autoscaler& operator=(const Autoscaler&) = delete;
  ~Autoscaler();

  // tiers[i] is tier i's policy (copied). False when the table cannot be reserved.
  bool init(uint32_t capacity, const TierPolicy* tiers, size_t ntiers, Mode mode, const HostSize& host);

  void begin_cycle();
  // tier: -1 for a container no tier selects (or ignored).
  ScaleEntry* observe(std::string_view name, int tier, const Reading& r, bool off_peak);
  void decide_all(bool off_peak, int64_t now_ms);
  // Outcome of a pending action: ok (written and read back), failed, or a
  // dry run. Starts the direction's cooldown either way: a failed write is
  // not retried in a tight loop.
  void applied(ScaleEntry& e, Resource r, Result res, int64_t now_ms, double wall_s);
  // The same, for an action whose decision was taken in an earlier cycle
  // (it waited for its audit line): d is that decision, kept by the caller.
  void applied(ScaleEntry& e, Resource r, const Decision& d, Result res, int64_t now_ms, double wall_s);
  // After a restart of edgestat: the container's last action in direction
  // d (from the audit file) at at_ms on the caller's monotonic clock; its
  // cooldown runs from then, as if this process had applied it.
  void restore_cooldown(ScaleEntry& e, Resource r, Direction d, int64_t at_ms);
  // A pending action dropped before it ran (stopped, restarted, locked).
  void refused(ScaleEntry& e, Resource r, Skip why);
  // Forgets containers not seen this cycle (removed).
  void end_cycle();

  Mode mode() const { return mode_; }
  Mode tier_mode(int tier) const { return tier >= 0 && static_cast<size_t>(tier) < ntiers_ ? tiers_[tier].mode : Mode::Off; }
  const TierPolicy* tier_policy(int tier) const {
    return tier >= 0 && static_cast<size_t>(tier) < ntiers_ ? &tiers_[tier] : nullptr;
  }
  const HostSize& host() const { return host_; }
  // Host room left for r after this cycle's admissions.
  double room(Resource r) const { return room_[int(r)]; }
  uint32_t capacity() const { return cap_; }
  ScaleEntry* entries() { return table_; }
  const ScaleEntry* entries() const { return table_; }
  uint64_t untracked() const { return untracked_; }
  uint64_t cycles() const { return cycles_; }

  ScaleEntry* find(std::string_view name);

 private:
  ScaleEntry* slot_for(std::string_view name);
  void count_skip(ScaleEntry& e, Skip s);

  ScaleEntry* table_ = nullptr;
  uint32_t cap_ = 0;
  static constexpr size_t kMaxTiers = 8;
  TierPolicy tiers_[kMaxTiers];
  size_t ntiers_ = 0;
  Mode mode_ = Mode::Off;
  HostSize host_;
  double room_[kResources] = {};
  uint64_t untracked_ = 0;
  uint64_t cycles_ = 0;
};

}  // namespace edgestat::scale

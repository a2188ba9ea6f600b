#include "scale/autoscaler.hpp"

#include "core/reserve.hpp"

namespace edgestat::scale {

std::string_view result_name(Result r) {
  switch (r) {
    case Result::Ok: return "ok";
    case Result::Failed: return "failed";
    default: return "dry_run";
  }
}

Autoscaler::~Autoscaler() { release_array(table_, cap_); }

bool Autoscaler::init(uint32_t capacity, const TierPolicy* tiers, size_t ntiers, Mode mode, const HostSize& host) {
  release_array(table_, cap_);
  cap_ = capacity;
  table_ = reserve_array<ScaleEntry>(capacity ? capacity : 1);
  ntiers_ = ntiers < kMaxTiers ? ntiers : kMaxTiers;
  for (size_t i = 0; i < ntiers_; ++i) tiers_[i] = tiers[i];
  mode_ = mode;
  host_ = host;
  return table_ != nullptr;
}

ScaleEntry* Autoscaler::find(std::string_view name) {
  for (uint32_t i = 0; i < cap_; ++i)
    if (table_[i].used && table_[i].name.view() == name) return &table_[i];
  return nullptr;
}

ScaleEntry* Autoscaler::slot_for(std::string_view name) {
  if (ScaleEntry* e = find(name)) return e;
  for (uint32_t i = 0; i < cap_; ++i) {
    if (table_[i].used) continue;
    ScaleEntry& e = table_[i];
    e = ScaleEntry{};
    e.used = true;
    e.name.assign(name);
    return &e;
  }
  ++untracked_;
  return nullptr;
}

void Autoscaler::begin_cycle() {
  ++cycles_;
  for (uint32_t i = 0; i < cap_; ++i) table_[i].seen = false;
}

ScaleEntry* Autoscaler::observe(std::string_view name, int tier, const Reading& r, bool off_peak) {
  ScaleEntry* e = slot_for(name);
  if (!e) return nullptr;
  if (e->tier != tier) {
    // A new container, or one moved between tiers: a fresh policy state.
    e->tier = tier;
    if (const TierPolicy* p = tier_policy(tier)) e->scaler.init(*p);
  }
  e->seen = true;
  e->running = r.running;
  e->locked = r.locked;
  e->incarnation = r.incarnation;
  const TierPolicy* p = tier_policy(tier);
  for (int i = 0; i < kResources; ++i) {
    Resource res = static_cast<Resource>(i);
    auto lim = effective_limit(r, res);
    e->unlimited[i] = !lim;
    // An unlimited container may use the whole host; a managed one is
    // counted at its tier maximum until its first action sets a limit.
    e->current[i] = lim ? *lim : (p ? tier_max(*p, res) : 0);
    e->pending[i] = false;
  }
  if (p && p->mode != Mode::Off && r.running) e->scaler.observe(r, *p, off_peak);
  return e;
}

void Autoscaler::count_skip(ScaleEntry& e, Skip s) {
  if (s != Skip::None) ++e.skipped[static_cast<size_t>(s)];
}

void Autoscaler::decide_all(bool off_peak, int64_t now_ms) {
  // The host's room: its size less the reserve less what running containers hold.
  room_[0] = host_.cores - host_.reserve_cores;
  room_[1] = host_.memory - host_.reserve_memory;
  for (uint32_t i = 0; i < cap_; ++i) {
    const ScaleEntry& e = table_[i];
    if (!e.used || !e.seen || !e.running) continue;
    for (int r = 0; r < kResources; ++r)
      if (!e.unlimited[r] || e.tier >= 0) room_[r] -= e.current[r];
  }
  for (uint32_t i = 0; i < cap_; ++i) {
    ScaleEntry& e = table_[i];
    const TierPolicy* p = tier_policy(e.tier);
    if (!e.used || !e.seen || !p || p->mode == Mode::Off) continue;
    Skip pre = !e.running ? Skip::Stopped : e.locked ? Skip::Locked : e.busy ? Skip::Busy : Skip::None;
    for (int r = 0; r < kResources; ++r) {
      Resource res = static_cast<Resource>(r);
      if (pre != Skip::None) {
        e.last[r] = Decision{};
        e.last[r].skip = pre;
        e.last[r].why = skip_name(pre).data();
        e.last[r].from = e.last[r].to = e.current[r];
        count_skip(e, pre);
        continue;
      }
      Decision d = e.scaler.decide(res, e.current[r], room_[r], *p, off_peak, now_ms);
      e.last[r] = d;
      count_skip(e, d.skip);
      if (d.dir == Direction::None) continue;
      e.pending[r] = true;
      // A dry run holds nothing: only applied growth takes the host's room.
      if (d.dir == Direction::Up && p->mode == Mode::On) room_[r] -= d.to - d.from;
    }
  }
}

void Autoscaler::applied(ScaleEntry& e, Resource r, Result res, int64_t now_ms, double wall_s) {
  int i = int(r);
  Decision& d = e.last[i];
  e.pending[i] = false;
  if (d.dir == Direction::None) return;
  ++e.actions[i][d.dir == Direction::Up ? 0 : 1][static_cast<size_t>(res)];
  e.scaler.applied(r, d.dir, now_ms);
  if (res == Result::Ok) {
    e.current[i] = d.to;
    e.unlimited[i] = false;
    e.last_action_wall_s = wall_s;
  } else if (res == Result::Failed) {
    count_skip(e, Skip::ActuatorFailed);
  }
}

void Autoscaler::applied(ScaleEntry& e, Resource r, const Decision& d, Result res, int64_t now_ms, double wall_s) {
  e.last[int(r)] = d;
  applied(e, r, res, now_ms, wall_s);
}

void Autoscaler::restore_cooldown(ScaleEntry& e, Resource r, Direction d, int64_t at_ms) {
  e.scaler.restore(r, d, at_ms);
}

void Autoscaler::refused(ScaleEntry& e, Resource r, Skip why) {
  e.pending[int(r)] = false;
  e.last[int(r)].skip = why;
  e.last[int(r)].why = skip_name(why).data();
  e.last[int(r)].dir = Direction::None;
  count_skip(e, why);
}

void Autoscaler::end_cycle() {
  for (uint32_t i = 0; i < cap_; ++i)
    if (table_[i].used && !table_[i].seen && !table_[i].busy) table_[i] = ScaleEntry{};
}

}  // namespace edgestat::scale

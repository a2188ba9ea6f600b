#pragma once
// What users see of the autoscaler: the lxc_autoscaler_* families for the
// snapshot, and the /api/v1/autoscaler JSON (per container: current
// limits, recommendation, last decision with its reason, when the next
// action is allowed). Both read the Autoscaler's table only.
#include <cstdint>

#include "core/out_buffer.hpp"
#include "metrics/snapshot.hpp"
#include "scale/autoscaler.hpp"

namespace edgestat::scale {

void add_autoscaler_metrics(Snapshot& snap, const Autoscaler& a);

// now_ms: the monotonic clock decide_all() was given; wall_s: Unix time now.
void render_autoscaler_json(const Autoscaler& a, OutBuffer& out, int64_t now_ms, double wall_s);

// When the next action in direction d is allowed, monotonic ms.
int64_t next_allowed_ms(const ScaleEntry& e, const TierPolicy& p, Resource r, Direction d);

}  // namespace edgestat::scale

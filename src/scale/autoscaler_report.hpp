#pragma once
// What users see of the autoscaler: the lxc_autoscaler_* families for the
// snapshot, and the /api/v1/autoscaler JSON (per container: current
// limits, recommendation, last decision with its reason, when the next
// action is allowed). Both read the Autoscaler's table only.
#include <cstdint>

#include "core/out_buffer.hpp"
#include "core/json_writer.hpp"
#include "metrics/snapshot.hpp"
#include "scale/autoscaler.hpp"

namespace edgestat::scale {

void add_autoscaler_metrics(Snapshot& snap, const Autoscaler& a);

// now_ms: the monotonic clock decide_all() was given; wall_s: Unix time now.
// extra(ctx, w), when given, adds members to the top-level object (the
// horizontal groups, which live outside the vertical table).
using JsonExtraFn = void (*)(void* ctx, JsonWriter& w);
void render_autoscaler_json(const Autoscaler& a, OutBuffer& out, int64_t now_ms, double wall_s,
                            JsonExtraFn extra = nullptr, void* extra_ctx = nullptr);

// When the next action in direction d is allowed, monotonic ms.
int64_t next_allowed_ms(const ScaleEntry& e, const TierPolicy& p, Resource r, Direction d);

}  // namespace edgestat::scale

#include "scale/autoscaler_report.hpp"

#include "core/json_writer.hpp"

namespace edgestat::scale {
namespace {

constexpr MetricType G = MetricType::Gauge, C = MetricType::Counter;
constexpr FamilyDesc kRec{"lxc_autoscaler_recommendation",
                          "Recommended limit: cpu in cores, memory in bytes (lower, target, upper).", G};
constexpr FamilyDesc kLimit{"lxc_autoscaler_limit", "The limit in force as the autoscaler sees it (cores, bytes).", G};
constexpr FamilyDesc kActions{"lxc_autoscaler_actions_total",
                              "Autoscaler actions by resource, direction and result (ok, failed, dry_run).", C};
constexpr FamilyDesc kSkipped{"lxc_autoscaler_decision_skipped_total", "Decisions not acted on, by reason.", C};
constexpr FamilyDesc kLastAction{"lxc_autoscaler_last_action_timestamp_seconds",
                                 "Unix time of the container's last applied action.", G};
constexpr FamilyDesc kMode{"lxc_autoscaler_mode", "1 for the autoscaler's global mode (off, recommend, on).", G};
constexpr FamilyDesc kManaged{"lxc_autoscaler_managed", "1 for each container a tier manages, with its mode.", G};
constexpr FamilyDesc kRoom{"lxc_autoscaler_host_room",
                           "What the host can still grant after its reserve and every container's limit (cores, bytes).", G};

constexpr std::string_view kTargets[3] = {"lower", "target", "upper"};

}  // namespace

int64_t next_allowed_ms(const ScaleEntry& e, const TierPolicy& p, Resource r, Direction d) {
  const ResourceState& st = e.scaler.state(r);
  if (d == Direction::Up) return st.last_up_ms + p.up_cooldown_ms;
  int64_t since = st.last_down_ms;
  if (st.last_up_ms > since) since = st.last_up_ms;
  if (st.pressure_ms > since) since = st.pressure_ms;
  return since + p.down_cooldown_ms;
}

void add_autoscaler_metrics(Snapshot& snap, const Autoscaler& a) {
  for (Mode m : {Mode::Off, Mode::Recommend, Mode::On})
    snap.add(kMode, a.mode() == m ? 1 : 0, {{"mode", mode_name(m)}});
  if (a.mode() == Mode::Off) return;
  snap.add(kRoom, a.room(Resource::Cpu), {{"resource", "cpu"}});
  snap.add(kRoom, a.room(Resource::Memory), {{"resource", "memory"}});
  for (uint32_t i = 0; i < a.capacity(); ++i) {
    const ScaleEntry& e = a.entries()[i];
    const TierPolicy* p = a.tier_policy(e.tier);
    if (!e.used || !p) continue;
    Label name{"name", e.name.view()};
    snap.add(kManaged, 1, {name, {"mode", mode_name(p->mode)}});
    for (int r = 0; r < kResources; ++r) {
      Resource res = static_cast<Resource>(r);
      Label rl{"resource", resource_name(res)};
      if (e.running) snap.add(kLimit, e.current[r], {name, rl});
      const Recommendation& rec = e.scaler.recommendation(res);
      if (!e.scaler.histogram(res).empty()) {
        double v[3] = {rec.lower, rec.target, rec.upper};
        for (int t = 0; t < 3; ++t) snap.add(kRec, v[t], {name, rl, {"target", kTargets[t]}});
      }
      for (int d = 0; d < 2; ++d)
        for (int x = 0; x < kResults; ++x)
          snap.add(kActions, static_cast<double>(e.actions[r][d][x]),
                   {name, rl, {"direction", d == 0 ? "up" : "down"}, {"result", result_name(static_cast<Result>(x))}});
    }
    for (int s = 1; s < kSkipReasons; ++s)
      if (e.skipped[s]) snap.add(kSkipped, static_cast<double>(e.skipped[s]), {name, {"reason", skip_name(static_cast<Skip>(s))}});
    if (e.last_action_wall_s > 0) snap.add(kLastAction, e.last_action_wall_s, {name});
  }
}

void render_autoscaler_json(const Autoscaler& a, OutBuffer& out, int64_t now_ms, double wall_s, JsonExtraFn extra,
                            void* extra_ctx) {
  JsonWriter w(out);
  w.begin_object();
  w.field("mode", mode_name(a.mode()));
  w.field_u64("cycles", a.cycles());
  w.key("host");
  w.begin_object();
  w.field_double("cores", a.host().cores);
  w.field_double("memory_bytes", a.host().memory);
  w.field_double("reserve_cores", a.host().reserve_cores);
  w.field_double("reserve_memory_bytes", a.host().reserve_memory);
  w.field_double("room_cores", a.room(Resource::Cpu));
  w.field_double("room_memory_bytes", a.room(Resource::Memory));
  w.end_object();
  w.key("containers");
  w.begin_array();
  for (uint32_t i = 0; i < a.capacity(); ++i) {
    const ScaleEntry& e = a.entries()[i];
    const TierPolicy* p = a.tier_policy(e.tier);
    if (!e.used || !p) continue;
    w.begin_object();
    w.field("name", e.name.view());
    w.field_i64("tier", e.tier);
    w.field("mode", mode_name(p->mode));
    w.field("running", e.running);
    for (int r = 0; r < kResources; ++r) {
      Resource res = static_cast<Resource>(r);
      w.key(resource_name(res));
      w.begin_object();
      w.key("current");
      if (e.running) w.value_double(e.current[r]);
      else w.null();
      w.field("unlimited", e.unlimited[r]);
      w.field_double("usage", e.scaler.usage(res));
      const Recommendation& rec = e.scaler.recommendation(res);
      w.key("recommendation");
      w.begin_object();
      w.field("ready", rec.ready);
      w.field_u64("samples", e.scaler.histogram(res).samples());
      w.field_double("lower", rec.lower);
      w.field_double("target", rec.target);
      w.field_double("upper", rec.upper);
      w.end_object();
      const Decision& d = e.last[r];
      w.key("last_decision");
      w.begin_object();
      w.field("direction", direction_name(d.dir));
      w.field("skip", skip_name(d.skip));
      w.field("reason", d.why ? d.why : "");
      w.field_double("from", d.from);
      w.field_double("to", d.to);
      w.end_object();
      // Seconds from now until each direction may act (0: allowed now).
      for (Direction dir : {Direction::Up, Direction::Down}) {
        int64_t wait = next_allowed_ms(e, *p, res, dir) - now_ms;
        w.field_double(dir == Direction::Up ? "next_up_allowed_in_seconds" : "next_down_allowed_in_seconds",
                       wait > 0 ? static_cast<double>(wait) / 1000 : 0);
      }
      w.end_object();
    }
    w.key("last_action_unix_seconds");
    if (e.last_action_wall_s > 0) w.value_double(e.last_action_wall_s);
    else w.null();
    w.field_double("age_seconds_since_action", e.last_action_wall_s > 0 ? wall_s - e.last_action_wall_s : -1);
    w.end_object();
  }
  w.end_array();
  if (extra) extra(extra_ctx, w);
  w.end_object();
}

}  // namespace edgestat::scale

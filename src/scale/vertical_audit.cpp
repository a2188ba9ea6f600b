#include "scale/vertical_audit.hpp"

#include <cmath>

#include "core/json_writer.hpp"
#include "core/out_buffer.hpp"
#include "core/reserve.hpp"

namespace edgestat::scale {

std::string_view vertical_action(Resource r) { return r == Resource::Cpu ? "set_cpu" : "set_memory"; }

bool vertical_resource(std::string_view action, Resource* r) {
  if (action == "set_cpu") *r = Resource::Cpu;
  else if (action == "set_memory") *r = Resource::Memory;
  else return false;
  return true;
}

size_t format_vertical_params(Resource r, Direction d, double from, double to, int64_t wall_ms, char* out,
                              size_t cap) {
  OutBuffer o(out, cap);
  JsonWriter w(o);
  w.begin_object();
  w.field("resource", resource_name(r));
  w.field("direction", direction_name(d));
  w.field_double("from", from);
  w.field_double("to", to);
  w.field_i64("wall_ms", wall_ms);
  w.end_object();
  return o.overflowed() ? 0 : o.size();
}

bool limits_match(Resource r, double a, double b) {
  return std::fabs(a - b) <= (r == Resource::Cpu ? kCpuMatchCores : kMemoryMatchBytes);
}

VerticalHistory::~VerticalHistory() { release_array(recs_, cap_); }

bool VerticalHistory::init(uint32_t capacity) {
  release_array(recs_, cap_);
  cap_ = capacity ? capacity : 1;
  n_ = 0;
  recs_ = reserve_array<VerticalRecord>(cap_);
  return recs_ != nullptr;
}

VerticalRecord* VerticalHistory::find(std::string_view name, Resource r) {
  for (uint32_t i = 0; i < n_; ++i)
    if (recs_[i].res == r && recs_[i].name.view() == name) return &recs_[i];
  return nullptr;
}

void VerticalHistory::visit(const AuditRecord& a) {
  Resource res;
  if (!vertical_resource(a.action.view(), &res)) return;  // a group's line
  VerticalRecord* v = find(a.target.view(), res);
  if (a.state != AuditState::Intended) {
    // An outcome finishes its own intention only: a stray outcome of an
    // older token leaves a newer pending intention pending.
    if (v && v->pending && v->token.view() == a.token.view()) {
      v->pending = false;
      v->outcome = a.state;
    }
    return;
  }
  char dir[8];
  size_t dl = 0;
  double from = 0, to = 0;
  int64_t wall = 0;
  Direction d = Direction::None;
  if (audit_param(a.params.view(), "direction", dir, sizeof dir, &dl)) {
    std::string_view ds(dir, dl);
    d = ds == "up" ? Direction::Up : ds == "down" ? Direction::Down : Direction::None;
  }
  if (d == Direction::None || !audit_param_f64(a.params.view(), "from", &from) ||
      !audit_param_f64(a.params.view(), "to", &to) || !audit_param_i64(a.params.view(), "wall_ms", &wall)) {
    ++malformed_;
    return;
  }
  if (!v) {
    if (n_ == cap_) {
      ++overflow_;
      return;
    }
    v = &recs_[n_++];
    *v = VerticalRecord{};
    if (!v->name.assign(a.target.view())) {
      --n_;
      ++malformed_;
      return;
    }
    v->res = res;
  }
  int64_t& last = d == Direction::Up ? v->last_up_wall_ms : v->last_down_wall_ms;
  if (wall > last) last = wall;
  v->pending = true;
  v->outcome = AuditState::Intended;
  v->token = a.token;
  v->dir = d;
  v->from = from;
  v->to = to;
  v->wall_ms = wall;
}

Reconciled reconcile_vertical(const VerticalRecord& v, bool running, std::optional<double> current) {
  if (!running) return {AuditState::Abandoned, "reconciled after restart: the container is not running"};
  if (!current) return {AuditState::Abandoned, "reconciled after restart: the limit is unset, not the target"};
  if (limits_match(v.res, *current, v.to))
    return {AuditState::Done, "reconciled after restart: the limit is already the target"};
  return {AuditState::Abandoned, "reconciled after restart: the limit is not the target, the action is dropped"};
}

int64_t wall_to_monotonic_ms(int64_t wall_ms, int64_t now_wall_ms, int64_t now_mono_ms) {
  return now_mono_ms - (now_wall_ms - wall_ms);
}

}  // namespace edgestat::scale

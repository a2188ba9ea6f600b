#include "scale/group_controller.hpp"

#include <sys/sysinfo.h>
#include <unistd.h>

#include <cstdio>

#include "core/clock.hpp"
#include "core/ipv4.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"

namespace edgestat::scale {
namespace {

constexpr FamilyDesc kInstances{"lxc_autoscaler_group_instances",
                                "Running clones a horizontal scaling group counts.", MetricType::Gauge};
constexpr FamilyDesc kSize{"lxc_autoscaler_group_size",
                           "A horizontal scaling group's bounds and the size it is moving to (bound=min|max|desired).",
                           MetricType::Gauge};
constexpr FamilyDesc kMembers{"lxc_autoscaler_group_members",
                              "Clones a horizontal scaling group owns, by state (running, stopped).",
                              MetricType::Gauge};
constexpr FamilyDesc kMean{"lxc_autoscaler_group_mean_usage_ratio",
                           "A group's mean usage over its running clones (fraction of their limits).",
                           MetricType::Gauge};
// The vertical autoscaler's family (autoscaler_report.cpp), same help:
// a group's actions are name=GROUP, resource="instances", direction out|in.
constexpr FamilyDesc kActions{"lxc_autoscaler_actions_total",
                              "Autoscaler actions by resource, direction and result (ok, failed, dry_run).",
                              MetricType::Counter};

// `name="X"` for Snapshot::value lookups.
std::string_view name_labels(std::string_view name, char* buf, size_t cap) {
  int n = std::snprintf(buf, cap, "name=\"%.*s\"", int(name.size()), name.data());
  return n > 0 && static_cast<size_t>(n) < cap ? std::string_view(buf, static_cast<size_t>(n)) : std::string_view();
}

}  // namespace

bool GroupController::init(uv_loop_t* loop, const AutoscaleGroupConfig& g, const char* lxcpath, CommandRunner* runner,
                           AuditLog* audit, store::JobMailbox* jobs, const AuditRecord* unfinished,
                           size_t nunfinished, int64_t max_seq_seen) {
  cfg_ = g;
  audit_ = audit;
  jobs_ = jobs;
  lxcpath_.assign(lxcpath);
  prefix_.assign(g.clone_prefix.empty() ? g.name.view() : g.clone_prefix.view());
  policy_.min_instances = static_cast<uint32_t>(g.min_instances);
  policy_.max_instances = static_cast<uint32_t>(g.max_instances);
  policy_.cpu_upper = static_cast<double>(g.cpu_upper) / 100;
  policy_.cpu_lower = static_cast<double>(g.cpu_lower) / 100;
  policy_.memory_upper = static_cast<double>(g.memory_upper) / 100;
  policy_.memory_lower = static_cast<double>(g.memory_lower) / 100;
  policy_.scale_out_grace_ms = static_cast<int64_t>(g.scale_out_grace_ms);
  policy_.scale_in_grace_ms = static_cast<int64_t>(g.scale_in_grace_ms);
  if (!g.address_range.empty()) parse_ipv4_range(g.address_range.view(), &first_addr_, &last_addr_);
  if (!g.gateway.empty()) parse_ipv4(g.gateway.view(), &gateway_);
  max_seq_ = max_seq_seen;
  long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  host_cores_ = cores > 0 ? static_cast<double>(cores) : 1;
  struct sysinfo si {};
  if (::sysinfo(&si) == 0) host_mem_ = static_cast<double>(si.totalram) * si.mem_unit;
  survey_ = reserve_array<GroupSurvey>(1);
  survey_buf_ = reserve_array<char>(GroupSurvey::kConfigBytes);
  unfinished_ = reserve_array<AuditRecord>(kMaxUnfinished);
  if (!survey_ || !survey_buf_ || !unfinished_) return false;
  for (size_t i = 0; i < nunfinished && nunfinished_ < kMaxUnfinished; ++i) unfinished_[nunfinished_++] = unfinished[i];
  survey_job_.self = this;
  survey_job_.job.run = survey_run;
  survey_job_.job.done = survey_done;
  GroupActuatorConfig ac;
  ac.group = g.name.view();
  ac.base = g.base.view();
  ac.lxcpath = lxcpath;
  ac.snapshot = g.snapshot;
  ac.prefix = static_cast<uint32_t>(g.address_prefix);
  ac.gateway = gateway_;
  ac.health_command = g.health_command.view();
  ac.copy_timeout_ms = static_cast<uint32_t>(g.copy_timeout_ms);
  ac.start_timeout_ms = static_cast<uint32_t>(g.start_timeout_ms);
  ac.command_timeout_ms = static_cast<uint32_t>(g.command_timeout_ms);
  return actuator_.init(loop, ac, runner, audit, jobs);
}

void GroupController::start() {
  surveying_ = true;
  jobs_->submit(&survey_job_.job);
}

void GroupController::survey_run(store::JobMailbox::Job* j) {
  GroupController* c = reinterpret_cast<SurveyJob*>(j)->self;
  survey_lxcpath(c->lxcpath_.c_str(), c->cfg_.name.view(), c->survey_, c->survey_buf_);
}

void GroupController::survey_done(store::JobMailbox::Job* j) {
  GroupController* c = reinterpret_cast<SurveyJob*>(j)->self;
  c->surveying_ = false;
  if (!c->survey_->status) {
    log_error("group: cannot survey the containers; no action until it can",
              {{"group", c->name()}, {"err", c->survey_->status.message()}});
    c->surveyed_ = false;
    return;
  }
  c->surveyed_ = true;
  for (size_t i = 0; i < c->survey_->n; ++i)
    if (c->survey_->entries[i].own && c->survey_->entries[i].seq > c->max_seq_) c->max_seq_ = c->survey_->entries[i].seq;
  if (c->reconciling_) c->next_reconcile();
}

// One unfinished action at a time, in file order; then normal operation.
void GroupController::next_reconcile() {
  while (next_unfinished_ < nunfinished_) {
    const AuditRecord& r = unfinished_[next_unfinished_++];
    GroupPlan p;
    p.reconcile = true;
    p.token = r.token;
    p.target = r.target;
    p.scale_out = r.action.view() == "scale_out";
    int64_t seq = 0;
    if (audit_param_i64(r.params.view(), "seq", &seq)) p.seq = seq;
    char addr[32];
    size_t alen = 0;
    uint32_t a = 0;
    if (audit_param(r.params.view(), "address", addr, sizeof addr, &alen) && parse_ipv4(std::string_view(addr, alen), &a))
      p.address = a;
    const SurveyEntry* e = survey_->find(r.target.view());
    if (p.scale_out) {
      p.copy = false;
      if (!e) p.fail_now.assign("the clone was never created");
    } else {
      int64_t destroy = 0;
      (void)destroy;
      p.destroy = r.params.view().find("\"destroy\":true") != std::string_view::npos;
      if (!e) p.fail_now.assign(p.destroy ? "gone already" : "the clone does not exist");
      if (!e && p.destroy) {
        p.fail_now.clear();
        // Destroyed before the restart: the action is complete.
        AuditEntry d{p.token.view(), "scale_in", p.target.view(), AuditState::Done, "",
                     "reconciled after restart: destroyed already"};
        audit_->append(d, realtime_ns() / 1000000, nullptr, nullptr);
        ++reconciled_;
        continue;
      }
      if (e && !e->own) p.fail_now.assign("the container does not carry this group's marker: not touched");
    }
    log_info("group: reconciling an unfinished action",
             {{"group", name()}, {"token", p.token.view()}, {"action", r.action.view()}, {"target", p.target.view()}});
    pending_out_ = p.scale_out;
    ++reconciled_;
    last_ = LastAction{};
    last_.any = true;
    last_.out = p.scale_out;
    last_.target = p.target;
    last_.token = p.token;
    last_.reason = "reconcile_after_restart";
    last_.wall_ms = realtime_ns() / 1000000;
    if (actuator_.start(p, action_done, this)) return;
  }
  reconciling_ = false;
  log_info("group ready", {{"group", name()}, {"clones", survey_->n}, {"max_seq", max_seq_}});
}

void GroupController::action_done(void* ctx, bool ok, std::string_view reason) {
  GroupController* c = static_cast<GroupController*>(ctx);
  uint64_t& n = c->pending_out_ ? (ok ? c->outs_done_ : c->outs_failed_) : (ok ? c->ins_done_ : c->ins_failed_);
  ++n;
  c->last_.finished = true;
  c->last_.ok = ok;
  c->last_.result_reason.assign(reason.substr(0, 127));
  note_group_action(c->state_, realtime_ns() / 1000000, ok);
  c->start();  // survey again: the clones changed
}

bool GroupController::read_clone(const Snapshot& snap, std::string_view name, int64_t now_ms, double* cpu, double* mem,
                                 bool* valid) {
  char lb[96];
  std::string_view labels = name_labels(name, lb, sizeof lb);
  double running = 0, usage = 0, start = 0, ws = 0, quota = 0, limit = 0;
  if (labels.empty() || !snap.value("lxc_container_running", labels, &running) || running != 1) return false;
  Tracked* t = nullptr;
  for (Tracked& x : tracked_)
    if (x.name.view() == name) t = &x;
  if (!t)
    for (Tracked& x : tracked_)
      if (x.name.empty()) {
        t = &x;
        t->name.assign(name);
        break;
      }
  bool have_usage = snap.value("lxc_cpu_usage_seconds_total", labels, &usage);
  snap.value("lxc_container_start_time_seconds", labels, &start);
  *valid = false;
  if (t) {
    t->seen = true;
    // A valid CPU sample needs a previous one of the same incarnation and
    // a counter that did not step back (first sample, restart, reset).
    if (have_usage && t->usage >= 0 && t->start_time == start && usage >= t->usage && now_ms > t->at_ms) {
      double cores = snap.value("lxc_spec_cpu_quota_cores", labels, &quota) && quota > 0 ? quota : host_cores_;
      *cpu = (usage - t->usage) / (static_cast<double>(now_ms - t->at_ms) / 1000) / cores;
      *valid = true;
    }
    log_debug("group sample", {{"name", name}, {"usage", usage}, {"prev", t->usage}, {"start", start},
                               {"prev_start", t->start_time}, {"dt_ms", now_ms - t->at_ms}, {"valid", *valid}});
    t->usage = have_usage ? usage : -1;
    t->start_time = start;
    t->at_ms = now_ms;
  }
  double cap = snap.value("lxc_spec_memory_limit_bytes", labels, &limit) && limit > 0 ? limit : host_mem_;
  if (!snap.value("lxc_memory_working_set_bytes", labels, &ws)) *valid = false;
  *mem = ws / cap;
  return true;
}

void GroupController::on_snapshot(const Snapshot& snap) {
  if (cfg_.mode == static_cast<uint8_t>(GroupMode::Off)) return;
  int64_t now_ms = realtime_ns() / 1000000;
  for (Tracked& t : tracked_) t.seen = false;
  uint32_t running = 0;
  double cpu_sum = 0, mem_sum = 0;
  bool valid = true;
  bool can_in = false;
  if (surveyed_) {
    for (size_t i = 0; i < survey_->n; ++i) {
      const SurveyEntry& e = survey_->entries[i];
      if (!e.own) continue;
      double cpu = 0, mem = 0;
      bool v = false;
      if (!read_clone(snap, e.name.view(), now_ms, &cpu, &mem, &v)) continue;
      ++running;
      can_in = true;
      cpu_sum += cpu;
      mem_sum += mem;
      valid = valid && v;
    }
  }
  for (Tracked& t : tracked_)
    if (!t.seen) t = Tracked{};  // stopped or gone: its next sample starts over
  instances_ = running;
  mean_valid_ = valid && running > 0;
  mean_cpu_ = running ? cpu_sum / running : 0;
  mean_mem_ = running ? mem_sum / running : 0;
  if (!surveyed_ || surveying_ || reconciling_) return;
  GroupObservation o;
  o.now_ms = now_ms;
  o.instances = running;
  o.in_flight = actuator_.busy();
  o.can_scale_in = can_in;
  o.valid = mean_valid_;
  o.cpu = mean_cpu_;
  o.memory = mean_mem_;
  GroupVerdict v = decide_group(policy_, state_, o);
  if (v.decision == GroupDecision::None) return;
  act(v.decision, v.reason);
}

void GroupController::act(GroupDecision d, const char* reason) {
  GroupPlan p;
  audit_->next_token(&p.token);
  p.scale_out = d == GroupDecision::ScaleOut;
  const SurveyEntry* pick = nullptr;
  char lb[96];
  (void)lb;
  if (p.scale_out) {
    // A stopped clone of ours is started again (newest first) before a new
    // one is copied; a running one is counted already.
    for (size_t i = 0; i < survey_->n; ++i) {
      const SurveyEntry& e = survey_->entries[i];
      bool counted = false;
      for (const Tracked& t : tracked_) counted = counted || t.name.view() == e.name.view();
      if (e.own && !counted && (!pick || e.seq > pick->seq)) pick = &e;
    }
    if (pick) {
      p.copy = false;
      p.target = pick->name;
      p.seq = pick->seq;
      p.address = pick->address[0];
    } else {
      p.seq = max_seq_ + 1;
      char nb[112];
      std::snprintf(nb, sizeof nb, "%s-%lld", prefix_.c_str(), static_cast<long long>(p.seq));
      p.target.assign(nb);
      if (survey_->find(p.target.view())) {
        last_reason_ = "clone_name_taken";
        log_warn("group: next clone name is taken by another container", {{"group", name()}, {"name", p.target.view()}});
        ++max_seq_;
        return;
      }
      if (first_addr_) {
        for (uint32_t a = first_addr_; a <= last_addr_ && !p.address; ++a)
          if (!survey_->address_used(a)) p.address = a;
        if (!p.address) {
          last_reason_ = "address_range_exhausted";
          log_warn("group: no free address left in address_range", {{"group", name()}});
          return;
        }
      }
    }
  } else {
    // The newest running clone of this group; never the base, never a
    // container without the marker.
    for (size_t i = 0; i < survey_->n; ++i) {
      const SurveyEntry& e = survey_->entries[i];
      bool running = false;
      for (const Tracked& t : tracked_) running = running || (t.seen && t.name.view() == e.name.view());
      if (e.own && running && e.name.view() != cfg_.base.view() && (!pick || e.seq > pick->seq)) pick = &e;
    }
    if (!pick) return;
    p.target = pick->name;
    p.seq = pick->seq;
    p.destroy = cfg_.scale_in == static_cast<uint8_t>(GroupScaleIn::Destroy);
  }
  last_reason_ = reason;
  last_ = LastAction{};
  last_.any = true;
  last_.out = p.scale_out;
  last_.target = p.target;
  last_.token = p.token;
  last_.reason = reason;
  last_.wall_ms = realtime_ns() / 1000000;
  if (cfg_.mode == static_cast<uint8_t>(GroupMode::Recommend)) {
    last_.finished = last_.dry_run = true;
    log_info("group: would scale (recommend mode)", {{"group", name()},
                                                     {"direction", p.scale_out ? "out" : "in"},
                                                     {"target", p.target.view()},
                                                     {"reason", reason}});
    ++(p.scale_out ? outs_dry_ : ins_dry_);
    note_group_action(state_, realtime_ns() / 1000000);
    return;
  }
  log_info("group: scaling", {{"group", name()},
                              {"direction", p.scale_out ? "out" : "in"},
                              {"target", p.target.view()},
                              {"token", p.token.view()},
                              {"reason", reason}});
  if (p.scale_out && p.copy) max_seq_ = p.seq;
  pending_out_ = p.scale_out;
  actuator_.start(p, action_done, this);
}

uint32_t GroupController::desired() const {
  int64_t d = instances_;
  if (actuator_.busy()) d += pending_out_ ? 1 : -1;
  if (d < policy_.min_instances) d = policy_.min_instances;
  if (d > policy_.max_instances) d = policy_.max_instances;
  return static_cast<uint32_t>(d);
}

namespace {

// A clone's state as the API and metrics show it.
const char* member_state(bool running, bool acting, bool out) {
  if (acting) return out ? "starting" : "stopping";
  return running ? "running" : "stopped";
}

}  // namespace

void GroupController::render_json(JsonWriter& w, int64_t now_wall_ms) const {
  w.begin_object();
  w.field("name", cfg_.name.view());
  w.field("base", cfg_.base.view());
  w.field("mode", cfg_.mode == static_cast<uint8_t>(GroupMode::Recommend) ? "recommend" : "on");
  w.field_u64("min_instances", policy_.min_instances);
  w.field_u64("max_instances", policy_.max_instances);
  w.field_u64("instances", instances_);
  w.field_u64("desired", desired());
  w.field("surveyed", surveyed_);
  w.field("reconciling", reconciling_);
  w.key("mean_usage");
  w.begin_object();
  w.field("valid", mean_valid_);
  w.field_double("cpu", mean_cpu_);
  w.field_double("memory", mean_mem_);
  w.end_object();
  w.key("members");
  w.begin_array();
  bool acting = actuator_.busy() && last_.any;
  for (size_t i = 0; surveyed_ && i < survey_->n; ++i) {
    const SurveyEntry& e = survey_->entries[i];
    if (!e.own) continue;
    bool running = false;
    for (const Tracked& t : tracked_) running = running || (t.seen && t.name.view() == e.name.view());
    w.begin_object();
    w.field("name", e.name.view());
    w.field_i64("seq", e.seq);
    w.field("state", member_state(running, acting && last_.target.view() == e.name.view(), last_.out));
    char ab[16];
    w.key("address");
    if (e.address[0]) w.value(std::string_view(ab, format_ipv4(e.address[0], ab)));
    else w.null();
    w.end_object();
  }
  w.end_array();
  w.key("last_action");
  if (!last_.any) {
    w.null();
  } else {
    w.begin_object();
    w.field("direction", last_.out ? "out" : "in");
    w.field("target", last_.target.view());
    w.field("token", last_.token.view());
    w.field("reason", last_.reason);
    w.field("result", !last_.finished ? "in_flight" : last_.dry_run ? "dry_run" : last_.ok ? "ok" : "failed");
    w.field("result_reason", last_.result_reason.view());
    w.field_double("unix_seconds", static_cast<double>(last_.wall_ms) / 1000);
    w.end_object();
  }
  w.key("backoff");
  w.begin_object();
  w.field_u64("failures", state_.failures);
  int64_t wait = state_.retry_after_ms >= 0 ? state_.retry_after_ms - now_wall_ms : 0;
  w.field_double("retry_in_seconds", wait > 0 ? static_cast<double>(wait) / 1000 : 0);
  w.end_object();
  w.end_object();
}

void GroupController::add_metrics(Snapshot& snap) const {
  Label g[] = {{"group", cfg_.name.view()}};
  snap.add(kInstances, static_cast<double>(instances_), g, 1);
  const struct {
    const char* bound;
    uint32_t v;
  } sizes[] = {{"min", policy_.min_instances}, {"max", policy_.max_instances}, {"desired", desired()}};
  for (const auto& b : sizes) {
    Label l[] = {{"group", cfg_.name.view()}, {"bound", b.bound}};
    snap.add(kSize, static_cast<double>(b.v), l, 2);
  }
  if (surveyed_) {
    uint32_t own = 0;
    for (size_t i = 0; i < survey_->n; ++i) own += survey_->entries[i].own;
    uint32_t running = instances_ < own ? instances_ : own;
    Label r[] = {{"group", cfg_.name.view()}, {"state", "running"}};
    Label st[] = {{"group", cfg_.name.view()}, {"state", "stopped"}};
    snap.add(kMembers, static_cast<double>(running), r, 2);
    snap.add(kMembers, static_cast<double>(own - running), st, 2);
  }
  if (mean_valid_) {
    Label c[] = {{"group", cfg_.name.view()}, {"resource", "cpu"}};
    Label m[] = {{"group", cfg_.name.view()}, {"resource", "memory"}};
    snap.add(kMean, mean_cpu_, c, 2);
    snap.add(kMean, mean_mem_, m, 2);
  }
  struct Row {
    const char* dir;
    const char* result;
    uint64_t v;
  } rows[] = {{"out", "ok", outs_done_},      {"out", "failed", outs_failed_}, {"out", "dry_run", outs_dry_},
              {"in", "ok", ins_done_},        {"in", "failed", ins_failed_},   {"in", "dry_run", ins_dry_}};
  for (const Row& r : rows) {
    Label l[] = {{"name", cfg_.name.view()}, {"resource", "instances"}, {"direction", r.dir}, {"result", r.result}};
    snap.add(kActions, static_cast<double>(r.v), l, 4);
  }
}

}  // namespace edgestat::scale

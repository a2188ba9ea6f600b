#include "app/autoscale_wiring.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

#include "app/render_cache.hpp"
#include "collect/lxc/cgroup_read.hpp"
#include "collect/lxc/discovery.hpp"
#include "collect/lxc/observer.hpp"
#include "config/autoscale_schema.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/number.hpp"
#include "core/reserve.hpp"
#include "scale/audit_reader.hpp"
#include "scale/autoscaler_report.hpp"
#include "scale/pct_argv.hpp"

namespace edgestat {
namespace {

using scale::Direction;
using scale::Resource;

constexpr FamilyDesc kPersisted{"lxc_autoscaler_persist_total",
                                "Sizes persisted after applied actions (LXC config rewrites, Proxmox pct set), by result (ok, failed).",
                                MetricType::Counter};


lxc::Container* find_container(std::string_view name) {
  lxc::Discovery& d = lxc::discovery();
  for (uint32_t i = 0; i < d.live; ++i) {
    lxc::Container& ct = d.slots[i];
    if (ct.used && lxc::display_name(ct) == name) return &ct;
  }
  return nullptr;
}

// The init's start time now, to tell a restart in the middle of an action.
bool init_starttime(const Config& c, int32_t pid, uint64_t* out) {
  char num[16], buf[1024];
  size_t len = format_u64(static_cast<uint64_t>(pid), num), n = 0;
  PathBuf p;
  if (pid <= 0 || !join_path(p, {c.path.procfs.view(), "/", std::string_view(num, len), "/stat"})) return false;
  if (!read_file(p.c_str(), buf, sizeof buf, &n)) return false;
  auto v = lxc::parse_pid_starttime(std::string_view(buf, n));
  if (!v) return false;
  *out = *v;
  return true;
}

bool cgroup_target(const Config& c, const lxc::Discovery& d, const lxc::Container& ct, scale::CgroupTarget* t) {
  std::string_view fs = c.path.cgroupfs.view();
  if (d.layout == lxc::Layout::V2) {
    t->v2 = true;
    if (ct.path[lxc::kUnified].empty()) return false;
    return join_path(t->cpu_dir, {fs, ct.path[lxc::kUnified].view()}) &&
           join_path(t->mem_dir, {fs, ct.path[lxc::kUnified].view()});
  }
  t->v2 = false;
  if (ct.path[lxc::kCpu].empty() || ct.path[lxc::kMemory].empty()) return false;
  return join_path(t->cpu_dir, {fs, "/cpu", ct.path[lxc::kCpu].view()}) &&
         join_path(t->mem_dir, {fs, "/memory", ct.path[lxc::kMemory].view()});
}

double wall_seconds() { return static_cast<double>(realtime_ns()) / 1e9; }
int64_t wall_ms_now() { return realtime_ns() / 1000000; }
int64_t mono_ms_now() { return monotonic_ns() / 1000000; }

constexpr FamilyDesc kAuditRefused{"lxc_autoscaler_audit_refused_total",
                                   "Vertical actions not started because their audit line was refused or could not "
                                   "be made durable.",
                                   MetricType::Counter};

}  // namespace

AutoscaleWiring::~AutoscaleWiring() {
  lxc::set_stats_observer(nullptr, nullptr);
  if (scaler_.capacity()) {
    release_array(persist_wanted_, scaler_.capacity());
    release_array(in_buf_, scale::kMaxConfigBytes);
    release_array(out_buf_, scale::kMaxConfigBytes);
    release_array(inflight_, scaler_.capacity() * scale::kResources);
  }
}

bool AutoscaleWiring::init(const Config& c, bool lxc_collector_on, uv_loop_t* loop) {
  cfg_ = &c;
  const AutoscaleConfig& a = c.autoscale;
  if (a.mode == AutoscaleMode::Off) return true;
  if (!lxc_collector_on) {
    log_warn("[autoscale] mode is not off but the lxc collector is disabled: the autoscaler has no readings and stays off");
    return true;
  }
  TierPolicy tiers[kMaxAutoscaleTiers];
  for (size_t i = 0; i < a.tiers.size(); ++i) tiers[i] = a.tiers[i].policy;
  scale::HostSize host;
  host.cores = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
  host.memory = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  host.reserve_cores = a.reserve_cpu;
  host.reserve_memory = a.reserve_memory;
  uint32_t cap = static_cast<uint32_t>(c.lxc.max_containers);
  persist_ = a.persist;
  if (!scaler_.init(cap, tiers, a.tiers.size(), a.mode, host)) return false;
  persist_wanted_ = reserve_array<bool>(cap ? cap : 1);
  in_buf_ = reserve_array<char>(scale::kMaxConfigBytes);
  out_buf_ = reserve_array<char>(scale::kMaxConfigBytes);
  inflight_ = reserve_array<Inflight>(scaler_.capacity() * scale::kResources);
  if (!persist_wanted_ || !in_buf_ || !out_buf_ || !inflight_) return false;
  if (persist_ && !pct_.init(loop, scaler_.capacity(), persisted_)) return false;
  for (uint32_t i = 0; i < scaler_.capacity() * scale::kResources; ++i) inflight_[i].self = this;
  job_.self = this;
  job_.run = persist_run;
  job_.done = persist_done;
  enabled_ = true;
  lxc::set_stats_observer(observe_cb, this);
  log_info("autoscaler on", {{"mode", scale::mode_name(a.mode)},
                             {"tiers", a.tiers.size()},
                             {"host_cores", host.cores},
                             {"host_memory_bytes", host.memory},
                             {"reserve_cores", host.reserve_cores},
                             {"reserve_memory_bytes", host.reserve_memory},
                             {"persist", persist_}});
  return true;
}

bool AutoscaleWiring::off_peak(double wall_s) const {
  const AutoscaleConfig& a = cfg_->autoscale;
  if (a.off_peak_start < 0 || a.off_peak_end < 0) return false;
  int hour = static_cast<int>(static_cast<int64_t>(wall_s) / 3600 % 24);
  if (a.off_peak_start <= a.off_peak_end) return hour >= a.off_peak_start && hour < a.off_peak_end;
  return hour >= a.off_peak_start || hour < a.off_peak_end;  // across midnight
}

store::JobMailbox* AutoscaleWiring::make_own_jobs(uv_loop_t* loop) {
  if (!own_jobs_on_ && !own_jobs_.init(loop, nullptr, nullptr)) return nullptr;
  own_jobs_on_ = true;
  return &own_jobs_;
}

bool AutoscaleWiring::open_audit() {
  if (!enabled_ || cfg_->autoscale.mode != AutoscaleMode::On) return true;
  PathBuf path;
  if (!jobs_ || !join_path(path, {cfg_->agent.data_dir.view(), "/", scale::kAuditFileName})) {
    log_error("autoscaler: no audit file path or writer mailbox");
    return false;
  }
  Status st = audit_.open(path.c_str(), jobs_, scale::AuditLog::kMaxSlots, wall_ms_now());
  if (!st) {
    log_error("autoscaler: cannot open the audit file (mode = on writes every action there first)",
              {{"err", st.message()}});
    return false;
  }
  // Every container and resource the file names fits: twice the table.
  if (!history_.init(scaler_.capacity() * scale::kResources)) return false;
  scale::AuditScan scan;
  st = scale::scan_audit_file(path.c_str(), scale::VerticalHistory::visit_cb, &history_, &scan);
  if (!st) {
    log_error("autoscaler: cannot read the audit file", {{"err", st.message()}});
    return false;
  }
  uint32_t pending = 0;
  for (uint32_t i = 0; i < history_.size(); ++i) pending += history_.at(i).pending;
  if (history_.overflow() || history_.malformed())
    log_warn("autoscaler: vertical audit lines not read back (more containers than the table, or bad params)",
             {{"file", path.view()}, {"beyond_table", history_.overflow()}, {"malformed", history_.malformed()}});
  log_info("autoscaler audit file", {{"file", path.view()},
                                     {"records", scan.records},
                                     {"containers", history_.size()},
                                     {"unfinished_actions", pending}});
  return true;
}

void AutoscaleWiring::observe_cb(void* ctx, const lxc::Discovery& d, const lxc::Container& ct,
                                 const lxc::ContainerStats* s) {
  auto* w = static_cast<AutoscaleWiring*>(ctx);
  if (!w->cycle_open_) {
    w->scaler_.begin_cycle();
    w->cycle_open_ = true;
  }
  std::string_view name = lxc::display_name(ct);
  scale::Reading r;
  r.running = s != nullptr;
  r.incarnation = ct.starttime;
  r.t_s = static_cast<double>(monotonic_ns()) / 1e9;
  if (s) {
    r.cpu_usage_s = s->cpu_usage;
    r.cpu_quota = s->quota_cores;
    r.mem_usage = s->mem_usage;
    r.mem_working_set = s->mem_working_set;
    r.mem_limit = s->mem_limit;
    r.mem_high = s->mem_high;
    r.oom_kills = s->mem_events[lxc::kEvOomKill];
    r.oom_events = s->mem_events[lxc::kEvOom];
    // v1's max event is memory.failcnt, which page cache filling the limit
    // raises all the time: only v2's max/high events count as pressure.
    if (d.layout == lxc::Layout::V2) {
      r.max_events = s->mem_events[lxc::kEvMax];
      r.high_events = s->mem_events[lxc::kEvHigh];
    }
    r.psi_mem_some_s = s->psi[lxc::kPsiMemSome];
  }
  // Proxmox: the collector read /etc/pve/lxc/VMID.conf (tags, lock) in
  // this same collection; a plain LXC container has neither.
  r.locked = ct.is_pve && !ct.pve.lock.empty();
  int tier = autoscale_tier_of(w->cfg_->autoscale, name, ct.is_pve ? ct.pve.tags.view() : std::string_view());
  w->scaler_.observe(name, tier, r, w->off_peak(wall_seconds()));
  // A pct write awaiting its read-back: this collection read VMID.conf.
  if (ct.is_pve && w->persist_) {
    if (scale::ScaleEntry* e = w->scaler_.find(name)) {
      uint32_t slot = static_cast<uint32_t>(e - w->scaler_.entries());
      w->pct_.confirm(slot, ct.pve);
      w->update_busy(slot);
    }
  }
}

void AutoscaleWiring::on_collection(Snapshot& snap) {
  if (!enabled_) return;  // off: no lxc_autoscaler_* at all (the golden outputs stay as they are)
  if (!cycle_open_) scaler_.begin_cycle();  // no container at all this time
  cycle_open_ = false;
  int64_t now_ms = monotonic_ns() / 1000000;
  double wall = wall_seconds();
  last_now_ms_ = now_ms;
  // The first cycle has every container's reading: actions an earlier run
  // left unfinished are reconciled, and cooldowns restored, before any
  // new decision.
  if (audit_.is_open() && !reconciled_) reconcile_history(now_ms, wall);
  scaler_.decide_all(off_peak(wall), now_ms);
  for (uint32_t i = 0; i < scaler_.capacity(); ++i) {
    scale::ScaleEntry& e = scaler_.entries()[i];
    if (!e.used) continue;
    for (int r = 0; r < scale::kResources; ++r)
      if (e.pending[r]) actuate(e, static_cast<Resource>(r), now_ms, wall);
  }
  scaler_.end_cycle();
  if (!warned_unknown_) warn_unknown_containers();
  scale::add_autoscaler_metrics(snap, scaler_);
  snap.add(kPersisted, static_cast<double>(persisted_[0]), {{"result", "ok"}});
  snap.add(kPersisted, static_cast<double>(persisted_[1]), {{"result", "failed"}});
  if (audit_.is_open()) snap.add(kAuditRefused, static_cast<double>(audit_refused_));
  if (hook_) hook_(hook_ctx_, snap, scaler_);
}

scale::Skip AutoscaleWiring::precheck(const scale::ScaleEntry& e, lxc::Container** out, scale::CgroupTarget* t) {
  lxc::Container* ct = find_container(e.name.view());
  *out = ct;
  uint64_t start = 0;
  if (!ct || !ct->running) return scale::Skip::Stopped;
  if (ct->is_pve && !ct->pve.lock.empty()) return scale::Skip::Locked;
  if (!init_starttime(*cfg_, ct->pid, &start) || start != e.incarnation) return scale::Skip::Restarted;
  if (!cgroup_target(*cfg_, lxc::discovery(), *ct, t)) return scale::Skip::Stopped;
  return scale::Skip::None;
}

void AutoscaleWiring::actuate(scale::ScaleEntry& e, Resource r, int64_t now_ms, double wall_s) {
  const scale::Decision& d = e.last[int(r)];
  const TierPolicy* p = scaler_.tier_policy(e.tier);
  char from[32], to[32];
  std::string_view fv(from, format_double(d.from, from)), tv(to, format_double(d.to, to));
  if (!p || p->mode != AutoscaleMode::On) {
    scaler_.applied(e, r, scale::Result::DryRun, now_ms, wall_s);
    log_info("autoscaler recommends", {{"name", e.name.view()}, {"resource", scale::resource_name(r)},
                                       {"direction", scale::direction_name(d.dir)}, {"from", fv}, {"to", tv},
                                       {"reason", d.why}, {"mode", "recommend"}});
    return;
  }
  lxc::Container* ct = nullptr;
  scale::CgroupTarget t;
  scale::Skip why = precheck(e, &ct, &t);
  if (why != scale::Skip::None) {
    scaler_.refused(e, r, why);
    log_warn("autoscaler action skipped", {{"name", e.name.view()}, {"resource", scale::resource_name(r)},
                                           {"reason", scale::skip_name(why)}});
    return;
  }
  // The intention first: the cgroup write happens in intent_cb, once this
  // line is durable, so a restart in between finds it (reconcile_history).
  uint32_t slot = static_cast<uint32_t>(&e - scaler_.entries());
  Inflight& f = inflight_[slot * scale::kResources + int(r)];
  f.slot = slot;
  f.res = r;
  f.d = d;
  f.incarnation = e.incarnation;
  f.name.assign(e.name.view());
  audit_.next_token(&f.token);
  char params[192];
  size_t pn = scale::format_vertical_params(r, d.dir, d.from, d.to, wall_ms_now(), params, sizeof params);
  scale::AuditEntry ae{f.token.view(), scale::vertical_action(r), e.name.view(), scale::AuditState::Intended,
                       std::string_view(params, pn), ""};
  Status st = pn ? audit_.append(ae, wall_ms_now(), intent_cb, &f) : Status::error("params do not fit");
  if (!st) {
    ++audit_refused_;
    scaler_.refused(e, r, scale::Skip::Busy);
    log_error("autoscaler action not started: its audit line was refused",
              {{"name", e.name.view()}, {"resource", scale::resource_name(r)}, {"err", st.message()}});
    return;
  }
  f.used = true;
  e.pending[int(r)] = false;
  update_busy(slot);
}

void AutoscaleWiring::intent_cb(void* ctx, bool ok, int err) {
  Inflight& f = *static_cast<Inflight*>(ctx);
  AutoscaleWiring* w = f.self;
  if (!ok) {
    // Never act on an intention that is not on disk.
    scale::ScaleEntry& e = w->scaler_.entries()[f.slot];
    ++w->audit_refused_;
    w->scaler_.applied(e, f.res, f.d, scale::Result::Failed, mono_ms_now(), wall_seconds());
    log_error("autoscaler action not started: its audit line could not be written",
              {{"name", f.name.view()}, {"resource", scale::resource_name(f.res)}, {"err", std::strerror(err)}});
    f.used = false;
    w->update_busy(f.slot);
    return;
  }
  w->execute(f);
  f.used = false;
  w->update_busy(f.slot);
}

void AutoscaleWiring::execute(Inflight& f) {
  scale::ScaleEntry& e = scaler_.entries()[f.slot];
  const Resource r = f.res;
  const scale::Decision& d = f.d;
  char from[32], to[32];
  std::string_view fv(from, format_double(d.from, from)), tv(to, format_double(d.to, to));
  // The line took a disk flush: the container may have stopped or
  // restarted meanwhile (busy keeps its entry in the table).
  lxc::Container* ct = nullptr;
  scale::CgroupTarget t;
  const bool same = e.used && e.name.view() == f.name.view();
  scale::Skip why = same && e.incarnation == f.incarnation ? precheck(e, &ct, &t) : scale::Skip::Restarted;
  if (why != scale::Skip::None) {
    if (same) scaler_.refused(e, r, why);
    char reason[64];
    std::snprintf(reason, sizeof reason, "skipped before the write: %s", scale::skip_name(why).data());
    write_outcome(f, scale::AuditState::Abandoned, "", reason);
    log_warn("autoscaler action skipped", {{"name", f.name.view()}, {"resource", scale::resource_name(r)},
                                           {"reason", scale::skip_name(why)}});
    return;
  }
  int64_t now_ms = mono_ms_now();
  double wall_s = wall_seconds();
  scale::ApplyOutcome o = r == Resource::Cpu ? scale::apply_cpu(t, d.to) : scale::apply_memory(t, d.from, d.to);
  // Restarted while writing: the write may have hit the old cgroup or the new one.
  uint64_t start = 0;
  if (!init_starttime(*cfg_, ct->pid, &start) || start != e.incarnation) {
    scaler_.refused(e, r, scale::Skip::Restarted);
    write_outcome(f, scale::AuditState::Unconfirmed, "", "the container restarted during the write");
    log_warn("autoscaler action skipped", {{"name", e.name.view()}, {"resource", scale::resource_name(r)},
                                           {"reason", "restarted"}});
    return;
  }
  if (!o.ok) {
    scaler_.applied(e, r, d, scale::Result::Failed, now_ms, wall_s);
    write_outcome(f, o.unconfirmed ? scale::AuditState::Unconfirmed : scale::AuditState::Failed, "",
                  o.error.view());
    log_error("autoscaler action failed", {{"name", e.name.view()}, {"resource", scale::resource_name(r)},
                                           {"direction", scale::direction_name(d.dir)}, {"from", fv}, {"to", tv},
                                           {"error", o.error.view()}});
    return;
  }
  scaler_.applied(e, r, d, scale::Result::Ok, now_ms, wall_s);
  char params[64];
  std::snprintf(params, sizeof params, "{\"read_back\":%.*s}", int(tv.size()), tv.data());
  write_outcome(f, scale::AuditState::Done, params, "");
  log_info("autoscaler action", {{"name", e.name.view()}, {"resource", scale::resource_name(r)},
                                 {"direction", scale::direction_name(d.dir)}, {"from", fv}, {"to", tv},
                                 {"reason", d.why}, {"result", "ok"}, {"token", f.token.view()}});
  persist_size(e, ct);
}

// With `persist`, the container's size as it runs now goes into its config
// (a rewrite of the same values changes nothing).
void AutoscaleWiring::persist_size(scale::ScaleEntry& e, const lxc::Container* ct) {
  if (!persist_ || !ct) return;
  if (ct->is_pve) {
    // Proxmox: pct persists (its config is not ours to rewrite); not run
    // when VMID.conf, read in this collection, already shows the size.
    double cores = e.unlimited[0] ? 0 : e.current[0], bytes = e.unlimited[1] ? 0 : e.current[1];
    if (scale::pct_config_shows(ct->pve, cores, bytes)) return;
    uint32_t slot = static_cast<uint32_t>(&e - scaler_.entries());
    pct_.want(slot, e.name.view(), ct->vmid.view(), cores, bytes);
    update_busy(slot);
  } else if (ct->has_lxc_config) {
    queue_persist(e);
  }
}

void AutoscaleWiring::write_outcome(const Inflight& f, scale::AuditState st, std::string_view params,
                                    std::string_view reason) {
  scale::AuditEntry ae{f.token.view(), scale::vertical_action(f.res), f.name.view(), st, params, reason};
  Status s = audit_.append(ae, wall_ms_now(), outcome_cb, nullptr);
  // The action is over either way; a lost outcome line is reconciled at
  // the next start like any unfinished one.
  if (!s) log_error("autoscaler: the outcome audit line was refused", {{"token", f.token.view()}, {"err", s.message()}});
}

void AutoscaleWiring::outcome_cb(void*, bool ok, int err) {
  if (!ok) log_error("autoscaler: an outcome audit line could not be written", {{"err", std::strerror(err)}});
}

void AutoscaleWiring::reconcile_history(int64_t now_ms, double wall_s) {
  reconciled_ = true;
  int64_t now_wall = static_cast<int64_t>(wall_s * 1000);
  for (uint32_t i = 0; i < history_.size(); ++i) {
    scale::VerticalRecord& v = history_.at(i);
    scale::ScaleEntry* e = scaler_.find(v.name.view());
    const int r = int(v.res);
    if (e && e->tier >= 0) {
      // The cooldowns of this run start from the last actions of the one before.
      if (v.last_up_wall_ms != scale::kNoWallMs)
        scaler_.restore_cooldown(*e, v.res, Direction::Up, scale::wall_to_monotonic_ms(v.last_up_wall_ms, now_wall, now_ms));
      if (v.last_down_wall_ms != scale::kNoWallMs)
        scaler_.restore_cooldown(*e, v.res, Direction::Down,
                                 scale::wall_to_monotonic_ms(v.last_down_wall_ms, now_wall, now_ms));
    }
    bool running = e && e->seen && e->running;
    std::optional<double> current;
    if (running && !e->unlimited[r]) current = e->current[r];
    if (!v.pending) {
      // The run before may have been stopped after the outcome line and
      // before the config rewrite: persist the size that runs if it is
      // still the one the last action set.
      if (v.outcome == scale::AuditState::Done && current && scale::limits_match(v.res, *current, v.to))
        persist_size(*e, find_container(e->name.view()));
      continue;
    }
    scale::Reconciled rc = scale::reconcile_vertical(v, running, current);
    Inflight f;
    f.res = v.res;
    f.token = v.token;
    f.name = v.name;
    char params[64] = "";
    size_t pn = 0;
    if (current) {
      char num[32];
      size_t n = format_double(*current, num);
      pn = static_cast<size_t>(std::snprintf(params, sizeof params, "{\"read_back\":%.*s}", int(n), num));
    }
    write_outcome(f, rc.state, std::string_view(params, pn), rc.reason);
    if (rc.state == scale::AuditState::Done && e) {
      e->last_action_wall_s = static_cast<double>(v.wall_ms) / 1000;
      // The run before may have been stopped between the cgroup write and
      // the config rewrite: persist what runs now (the target).
      persist_size(*e, find_container(e->name.view()));
    }
    log_info("autoscaler reconciled an unfinished action",
             {{"name", v.name.view()}, {"resource", scale::resource_name(v.res)},
              {"token", v.token.view()}, {"state", scale::audit_state_name(rc.state)}, {"reason", rc.reason}});
  }
}

void AutoscaleWiring::update_busy(uint32_t slot) {
  scale::ScaleEntry& e = scaler_.entries()[slot];
  bool busy = persist_wanted_[slot] || (job_busy_ && job_.slot == slot) || pct_.busy(slot);
  for (int r = 0; r < scale::kResources; ++r) busy = busy || inflight_[slot * scale::kResources + r].used;
  e.busy = busy;
}

void AutoscaleWiring::queue_persist(scale::ScaleEntry& e) {
  uint32_t slot = static_cast<uint32_t>(&e - scaler_.entries());
  persist_wanted_[slot] = true;
  update_busy(slot);  // no new decision on it until its size is on disk
  start_persist();
}

void AutoscaleWiring::start_persist() {
  if (job_busy_ || !jobs_) return;
  for (uint32_t i = 0; i < scaler_.capacity(); ++i) {
    if (!persist_wanted_[i]) continue;
    persist_wanted_[i] = false;
    scale::ScaleEntry& e = scaler_.entries()[i];
    lxc::Container* ct = find_container(e.name.view());
    if (!ct || !ct->has_lxc_config) {
      update_busy(i);
      continue;
    }
    job_.slot = i;
    job_.name.assign(ct->name.view());
    job_.lxcpath.assign(rootfs_prefix(*cfg_));
    job_.lxcpath.append(cfg_->lxc.lxcpath[ct->lxcpath].view());
    bool v2 = lxc::discovery().layout == lxc::Layout::V2;
    scale::limit_lines(v2, e.unlimited[0] ? 0 : e.current[0], e.unlimited[1] ? 0 : e.current[1], &job_.req);
    job_busy_ = true;
    jobs_->submit(&job_);
    return;
  }
}

void AutoscaleWiring::persist_run(store::JobMailbox::Job* j) {
  auto* job = static_cast<PersistJob*>(j);
  job->result = scale::persist_limits(job->lxcpath.view(), job->name.view(), job->req, job->self->in_buf_,
                                      job->self->out_buf_);
}

void AutoscaleWiring::persist_done(store::JobMailbox::Job* j) {
  auto* job = static_cast<PersistJob*>(j);
  AutoscaleWiring* w = job->self;
  w->job_busy_ = false;
  if (job->slot < w->scaler_.capacity()) w->update_busy(job->slot);
  if (job->result) {
    ++w->persisted_[0];
    log_info("autoscaler persisted", {{"name", job->name.view()}, {"lxcpath", job->lxcpath.view()}});
  } else {
    ++w->persisted_[1];
    log_error("autoscaler could not persist the new size (the running limit stays)",
              {{"name", job->name.view()}, {"error", job->result.message()}});
  }
  w->start_persist();
}

void AutoscaleWiring::warn_unknown_containers() {
  warned_unknown_ = true;
  const AutoscaleConfig& a = cfg_->autoscale;
  for (const AutoscaleTierConfig& t : a.tiers)
    for (const ConfigString& pat : t.containers) {
      std::string_view v = pat.view();
      if (v.find_first_of("*?[") != std::string_view::npos) continue;
      if (find_container(v)) continue;
      char where[300];
      std::snprintf(where, sizeof where, "%s:%u", t.file.c_str(), t.containers_line);
      log_warn("[autoscale.tier] names a container that does not exist",
               {{"where", std::string_view(where)}, {"tier", t.name.view()}, {"container", v}});
    }
}

bool AutoscaleWiring::add_routes(http::Router& router, http::BodyPool& pool) {
  pool_ = &pool;
  if (router.add("/api/v1/autoscaler", http::kMethodGet | http::kMethodHead, "api", handle_api, this, false, true) <
      0) {
    log_error("the route table is full");
    return false;
  }
  return true;
}

void AutoscaleWiring::handle_api(void* ctx, http::Exchange& ex) {
  auto* w = static_cast<AutoscaleWiring*>(ctx);
  int64_t now_ms = monotonic_ns() / 1000000;
  double wall = wall_seconds();
  reply_rendered(*w->pool_, ex, kJsonType,
                 [&](OutBuffer& out) {
                   scale::render_autoscaler_json(w->scaler_, out, now_ms, wall, w->api_extra_, w->api_extra_ctx_);
                 });
}

void AutoscaleWiring::close() {
  lxc::set_stats_observer(nullptr, nullptr);
  pct_.close();
  if (own_jobs_on_) own_jobs_.close();
}

}  // namespace edgestat

#include "app/autoscale_groups_wiring.hpp"

#include <unistd.h>

#include <cstdio>

#include "config/autoscale_group_schema.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "scale/audit_reader.hpp"
#include "sys/fs.hpp"

namespace edgestat {
namespace {

// Children at once for all groups: one action per group runs at a time,
// and each action runs one command at a time.
constexpr uint32_t kCommandSlots = 4;
// Lines being made durable at once (one per group in flight, plus finals).
constexpr uint32_t kAuditSlots = 16;

struct MaxSeq {
  std::string_view group;
  int64_t max = 0;
};

void max_seq_visit(void* ctx, const scale::AuditRecord& r) {
  MaxSeq* m = static_cast<MaxSeq*>(ctx);
  char g[80];
  size_t len = 0;
  int64_t seq = 0;
  if (scale::audit_param(r.params.view(), "group", g, sizeof g, &len) && std::string_view(g, len) == m->group &&
      scale::audit_param_i64(r.params.view(), "seq", &seq) && seq > m->max)
    m->max = seq;
}

// A base that is a Proxmox container (its VMID.conf exists) is refused:
// lxc-copy would make clones Proxmox does not know of (no VMID.conf, no
// storage accounting, lost on the node's next config sync). Proxmox
// groups need `pct clone`, which is not built.
bool proxmox_base(const Config& c, const AutoscaleGroupConfig& g) {
  if (c.lxc.pve_config_dir.empty()) return false;
  PathBuf conf;
  if (!join_path(conf, {rootfs_prefix(c), c.lxc.pve_config_dir.view(), "/", g.base.view(), ".conf"}) ||
      ::access(conf.c_str(), F_OK) != 0)
    return false;
  char where[600];
  std::snprintf(where, sizeof where, "%s:%u", g.file.c_str(), group_key_line(g, "base"));
  log_error("autoscale group: the base is a Proxmox container; Proxmox groups (pct clone) are not supported, and "
            "lxc-copy would make clones Proxmox does not know of",
            {{"at", where}, {"group", g.name.view()}, {"base", g.base.view()}, {"pve_config", conf.view()}});
  return true;
}

}  // namespace

AutoscaleGroupsWiring::~AutoscaleGroupsWiring() { release_array(groups_, kMaxAutoscaleGroups); }

bool AutoscaleGroupsWiring::init(const Config& c, uv_loop_t* loop, store::JobMailbox* shared,
                                 scale::AuditLog* audit) {
  size_t want = 0;
  for (const AutoscaleGroupConfig& g : c.autoscale_groups.groups)
    if (g.mode != static_cast<uint8_t>(GroupMode::Off)) ++want;
  if (want == 0) return true;
  if (c.lxc.lxcpath.empty()) {
    log_error("autoscale groups need [collector.lxc] lxcpath");
    return false;
  }
  store::JobMailbox* jobs = shared;
  if (audit) audit_ = audit;
  if (!jobs) {
    if (!own_jobs_.init(loop, nullptr, nullptr)) {
      log_error("autoscale groups: cannot set up the writer mailbox");
      return false;
    }
    own_jobs_on_ = true;
    jobs = &own_jobs_;
  }
  PathBuf audit_path;
  if (!join_path(audit_path, {c.agent.data_dir.view(), "/", kAutoscaleAuditFile})) return false;
  Status st = audit_->is_open() ? Status::ok() : audit_->open(audit_path.c_str(), jobs, kAuditSlots, realtime_ns() / 1000000);
  if (!st) {
    log_error("autoscale groups: cannot open the audit file", {{"err", st.message()}});
    return false;
  }
  if (!runner_.init(loop, kCommandSlots)) return false;
  groups_ = reserve_array<scale::GroupController>(kMaxAutoscaleGroups);
  scale::AuditRecord* unfinished = reserve_array<scale::AuditRecord>(scale::GroupController::kMaxUnfinished * 4);
  if (!groups_ || !unfinished) return false;
  scale::AuditScan scan;
  size_t nu = scale::find_unfinished(audit_path.c_str(), unfinished, scale::GroupController::kMaxUnfinished * 4, &scan,
                                     &st);
  if (!st) {
    log_error("autoscale groups: cannot read the audit file", {{"err", st.message()}});
    return false;
  }
  if (scan.corrupt)
    log_warn("autoscale audit file has lines that are not records; skipped",
             {{"file", audit_path.view()},
              {"lines", scan.corrupt},
              {"first_line", scan.first_corrupt_line},
              {"in_previous_generation", scan.first_corrupt_previous},
              {"why", scan.first_corrupt_why},
              {"torn_tail", scan.torn_tail}});
  if (scan.unfinished_overflow)
    log_error("autoscale audit file has more unfinished actions than are reconciled",
              {{"left", scan.unfinished_overflow}});
  PathBuf lxcpath;
  if (!join_path(lxcpath, {rootfs_prefix(c), c.lxc.lxcpath[0].view()})) return false;
  for (const AutoscaleGroupConfig& g : c.autoscale_groups.groups) {
    if (g.mode == static_cast<uint8_t>(GroupMode::Off)) continue;
    if (proxmox_base(c, g)) return false;
    // This group's unfinished actions, and the highest clone number its
    // audit lines ever used (a number is never reused).
    static scale::AuditRecord mine[scale::GroupController::kMaxUnfinished];
    size_t nm = 0;
    for (size_t i = 0; i < nu && nm < scale::GroupController::kMaxUnfinished; ++i) {
      char gn[80];
      size_t len = 0;
      if (scale::audit_param(unfinished[i].params.view(), "group", gn, sizeof gn, &len) &&
          std::string_view(gn, len) == g.name.view())
        mine[nm++] = unfinished[i];
    }
    MaxSeq ms{g.name.view(), 0};
    scale::AuditScan s2;
    if (!scale::scan_audit_file(audit_path.c_str(), max_seq_visit, &ms, &s2)) return false;
    if (!groups_[n_].init(loop, g, lxcpath.c_str(), &runner_, audit_, jobs, mine, nm, ms.max)) {
      log_error("autoscale groups: cannot set up a group", {{"group", g.name.view()}});
      return false;
    }
    log_info("autoscale group configured", {{"group", g.name.view()},
                                            {"base", g.base.view()},
                                            {"min_instances", g.min_instances},
                                            {"max_instances", g.max_instances},
                                            {"unfinished_actions", nm},
                                            {"mode", g.mode == 0 ? "on" : "recommend"}});
    ++n_;
  }
  release_array(unfinished, scale::GroupController::kMaxUnfinished * 4);
  return true;
}

void AutoscaleGroupsWiring::start() {
  if (started_) return;
  started_ = true;
  for (size_t i = 0; i < n_; ++i) groups_[i].start();
}

void AutoscaleGroupsWiring::on_refresh(const Snapshot& snap) {
  if (!started_) return;
  for (size_t i = 0; i < n_; ++i) groups_[i].on_snapshot(snap);
}

void AutoscaleGroupsWiring::add_metrics(Snapshot& snap) const {
  for (size_t i = 0; i < n_; ++i) groups_[i].add_metrics(snap);
}

void AutoscaleGroupsWiring::render_json_cb(void* ctx, JsonWriter& w) {
  const auto* g = static_cast<const AutoscaleGroupsWiring*>(ctx);
  int64_t now = realtime_ns() / 1000000;
  w.key("groups");
  w.begin_array();
  for (size_t i = 0; i < g->n_; ++i) g->groups_[i].render_json(w, now);
  w.end_array();
}

void AutoscaleGroupsWiring::close_handles() {
  if (!n_) return;
  for (size_t i = 0; i < n_; ++i) groups_[i].close();
  runner_.close();
  if (own_jobs_on_) own_jobs_.close();
}

void AutoscaleGroupsWiring::keep_groups(const Config& running, Config& next) {
  const auto& a = running.autoscale_groups.groups;
  const auto& b = next.autoscale_groups.groups;
  bool same = a.size() == b.size();
  for (size_t i = 0; same && i < a.size(); ++i)
    same = a[i].name.view() == b[i].name.view() && a[i].base.view() == b[i].base.view();
  if (!same) log_warn("config change requires restart, keeping the running value", {{"key", "[autoscale.group.*]"}});
  next.autoscale_groups = running.autoscale_groups;
}

}  // namespace edgestat

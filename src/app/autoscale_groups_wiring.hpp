#pragma once
// Horizontal scaling groups ([autoscale.group.NAME]) wired into the
// Agent's loop: a command runner, the audit file ([agent] data_dir/
// autoscale_audit.jsonl) and one controller per group, fed the snapshot
// after every collection; their families on /metrics. The audit's durable
// writes and the lxcpath surveys run on the records writer thread through
// a job mailbox (the exporter's when it has one, else this wiring's own),
// so the writer runs whenever a group is configured.
#include <uv.h>

#ifdef EDGESTAT_NO_AUTOSCALE
#include "config/config.hpp"
#include "core/json_writer.hpp"
#include "metrics/snapshot.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat {

namespace scale {
class AuditLog;
}

// -DEDGESTAT_AUTOSCALE=OFF: no groups (validate_build_features refuses an
// [autoscale.group.*] section), so every call has nothing to do.
class AutoscaleGroupsWiring {
 public:
  bool init(const Config&, uv_loop_t*, store::JobMailbox*, scale::AuditLog*) { return true; }
  bool enabled() const { return false; }
  store::JobMailbox* own_jobs() { return nullptr; }
  void start() {}
  void on_refresh(const Snapshot&) {}
  void add_metrics(Snapshot&) const {}
  static void render_json_cb(void*, JsonWriter&) {}
  void close_handles() {}
  static void keep_groups(const Config&, Config&) {}
};

}  // namespace edgestat
#else
#include "config/config.hpp"
#include "core/json_writer.hpp"
#include "metrics/snapshot.hpp"
#include "scale/audit_log.hpp"
#include "scale/command_runner.hpp"
#include "scale/group_controller.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat {

inline constexpr const char* kAutoscaleAuditFile = scale::kAuditFileName;

class AutoscaleGroupsWiring {
 public:
  AutoscaleGroupsWiring() = default;
  AutoscaleGroupsWiring(const AutoscaleGroupsWiring&) = delete;
  AutoscaleGroupsWiring& operator=(const AutoscaleGroupsWiring&) = delete;
  ~AutoscaleGroupsWiring();

  // shared: a mailbox the writer serves already (the exporter's), or null.
  // audit: the audit file already open (the vertical autoscaler's, mode =
  // on), or null to open it here. Reads the audit file for unfinished
  // actions (start-up: blocking is fine).
  bool init(const Config& c, uv_loop_t* loop, store::JobMailbox* shared, scale::AuditLog* audit);
  bool enabled() const { return n_ > 0; }
  // The mailbox the writer thread must serve when nothing else has one.
  store::JobMailbox* own_jobs() { return own_jobs_on_ ? &own_jobs_ : nullptr; }
  // After the writer thread started: the first surveys and reconciliation.
  void start();
  void on_refresh(const Snapshot& snap);
  void add_metrics(Snapshot& snap) const;
  // "groups": [...] in /api/v1/autoscaler (ctx: this wiring).
  static void render_json_cb(void* ctx, JsonWriter& w);
  void close_handles();
  // SIGHUP: groups size memory and own clones; a changed section needs a restart.
  static void keep_groups(const Config& running, Config& next);

 private:
  scale::CommandRunner runner_;
  scale::AuditLog own_audit_;
  scale::AuditLog* audit_ = &own_audit_;
  store::JobMailbox own_jobs_;
  bool own_jobs_on_ = false;
  scale::GroupController* groups_ = nullptr;
  size_t n_ = 0;
  bool started_ = false;
};

}  // namespace edgestat
#endif  // EDGESTAT_NO_AUTOSCALE

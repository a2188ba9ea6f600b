#pragma once
// Wires the LXC autoscaler (scale/) to the loop: the lxc collector hands
// each container's readings to it during the collection (never a second
// reader), and after the collectors, from the snapshot's self hook, one
// cycle runs: decisions, actuation (On mode: cgroup files written and read
// back on the loop; the LXC config rewritten durably on the writer thread
// through the job mailbox), then the lxc_autoscaler_* samples. It serves
// /api/v1/autoscaler. Everything is reserved in init(), before `started`.
//
// For the horizontal groups (scaleh): autoscaler() exposes the table, and
// set_cycle_hook() adds a function called at the end of every cycle with
// the snapshot, so groups can decide on the same readings and add their
// samples.
#include <uv.h>

#include <cstdint>

#ifdef EDGESTAT_NO_AUTOSCALE
#include "config/config.hpp"
#include "core/json_writer.hpp"
#include "http/body_pool.hpp"
#include "http/router.hpp"
#include "metrics/snapshot.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat {

namespace scale {
class AuditLog;
}

// -DEDGESTAT_AUTOSCALE=OFF: the agent's calls, doing nothing
// (autoscale_wiring_none.cpp). A config with [autoscale] never gets here:
// validate_build_features refuses it. /api/v1/autoscaler answers 404
// saying the autoscaler is not in this build.
class AutoscaleWiring {
 public:
  bool init(const Config&, bool, uv_loop_t*) { return true; }
  bool enabled() const { return false; }
  bool needs_jobs() const { return false; }
  store::JobMailbox* make_own_jobs(uv_loop_t*) { return nullptr; }
  void set_jobs(store::JobMailbox*) {}
  bool open_audit() { return true; }
  scale::AuditLog* audit() { return nullptr; }
  void on_collection(Snapshot&) {}
  bool add_routes(http::Router& router, http::BodyPool& pool);
  void close() {}
  void set_api_extra(void (*)(void* ctx, JsonWriter& w), void*) {}

 private:
  static void handle_api(void* ctx, http::Exchange& ex);
};

}  // namespace edgestat
#else
#include "app/pct_persist.hpp"
#include "config/config.hpp"
#include "core/json_writer.hpp"
#include "http/body_pool.hpp"
#include "http/router.hpp"
#include "metrics/snapshot.hpp"
#include "scale/audit_log.hpp"
#include "scale/autoscaler.hpp"
#include "scale/cgroup_actuator.hpp"
#include "scale/lxc_config_edit.hpp"
#include "scale/vertical_audit.hpp"
#include "store/job_mailbox.hpp"
#include "sys/fs.hpp"

namespace edgestat {

namespace lxc {
struct Discovery;
struct Container;
struct ContainerStats;
}  // namespace lxc

class AutoscaleWiring {
 public:
  AutoscaleWiring() = default;
  AutoscaleWiring(const AutoscaleWiring&) = delete;
  AutoscaleWiring& operator=(const AutoscaleWiring&) = delete;
  ~AutoscaleWiring();

  // Reserves the table when [autoscale] mode is not off and the lxc
  // collector is on (and, with persist, the runner of Proxmox's pct on
  // `loop`). False only when memory cannot be reserved.
  bool init(const Config& c, bool lxc_collector_on, uv_loop_t* loop);
  bool enabled() const { return enabled_; }
  // Persisting sizes needs the writer thread: the agent gives it this
  // mailbox (or its own, set_jobs) before the writer starts.
  // So does the audit file (mode = on): every action's intention is made
  // durable there before the cgroup write.
  bool needs_jobs() const { return enabled_ && (persist_ || cfg_->autoscale.mode == AutoscaleMode::On); }
  // A mailbox of its own, when nothing else (the exporter's spool) made one.
  store::JobMailbox* make_own_jobs(uv_loop_t* loop);
  void set_jobs(store::JobMailbox* m) { jobs_ = m; }
  // mode = on, after set_jobs: opens [agent] data_dir/autoscale_audit.jsonl
  // and reads back the vertical actions in it (start-up: blocking is fine).
  // The groups write the same file through audit() (one token sequence).
  bool open_audit();
  scale::AuditLog* audit() { return audit_.is_open() ? &audit_ : nullptr; }

  // From the snapshot's self hook, after the collectors: one cycle and its samples.
  void on_collection(Snapshot& snap);
  bool add_routes(http::Router& router, http::BodyPool& pool);
  void close();

  using CycleHook = void (*)(void* ctx, Snapshot& snap, scale::Autoscaler& a);
  void set_cycle_hook(CycleHook fn, void* ctx) {
    hook_ = fn;
    hook_ctx_ = ctx;
  }
  scale::Autoscaler& autoscaler() { return scaler_; }
  // Adds the horizontal groups to /api/v1/autoscaler.
  void set_api_extra(void (*fn)(void* ctx, JsonWriter& w), void* ctx) {
    api_extra_ = fn;
    api_extra_ctx_ = ctx;
  }

 private:
  static void observe_cb(void* ctx, const lxc::Discovery& d, const lxc::Container& ct, const lxc::ContainerStats* s);
  static void handle_api(void* ctx, http::Exchange& ex);
  static void persist_run(store::JobMailbox::Job* j);
  static void persist_done(store::JobMailbox::Job* j);
  // One vertical action between its intended line and its outcome line.
  struct Inflight {
    AutoscaleWiring* self = nullptr;
    bool used = false;
    uint32_t slot = 0;
    scale::Resource res = scale::Resource::Cpu;
    scale::Decision d;
    uint64_t incarnation = 0;
    scale::AuditToken token;
    FixedString<64> name;
  };
  static void intent_cb(void* ctx, bool ok, int err);
  static void outcome_cb(void* ctx, bool ok, int err);
  void actuate(scale::ScaleEntry& e, scale::Resource r, int64_t now_ms, double wall_s);
  void execute(Inflight& f);
  scale::Skip precheck(const scale::ScaleEntry& e, lxc::Container** ct, scale::CgroupTarget* t);
  void write_outcome(const Inflight& f, scale::AuditState st, std::string_view params, std::string_view reason);
  void reconcile_history(int64_t now_ms, double wall_s);
  void update_busy(uint32_t slot);
  void persist_size(scale::ScaleEntry& e, const lxc::Container* ct);
  void queue_persist(scale::ScaleEntry& e);
  void start_persist();
  void warn_unknown_containers();
  bool off_peak(double wall_s) const;

  const Config* cfg_ = nullptr;
  http::BodyPool* pool_ = nullptr;
  bool enabled_ = false, persist_ = false;
  bool cycle_open_ = false;
  bool warned_unknown_ = false;
  scale::Autoscaler scaler_;
  int64_t last_now_ms_ = 0;
  store::JobMailbox own_jobs_;
  bool own_jobs_on_ = false;
  store::JobMailbox* jobs_ = nullptr;

  // One LXC config rewrite at a time; containers waiting are flagged by slot.
  struct PersistJob : store::JobMailbox::Job {
    AutoscaleWiring* self = nullptr;
    uint32_t slot = 0;
    FixedString<kMaxPath> lxcpath;
    FixedString<64> name;
    scale::PersistRequest req;
    Status result;
  } job_;
  bool job_busy_ = false;
  bool* persist_wanted_ = nullptr;  // by table slot
  char* in_buf_ = nullptr;
  char* out_buf_ = nullptr;
  uint64_t persisted_[2] = {};  // ok, failed (LXC config rewrites and pct alike)
  PctPersist pct_;              // Proxmox containers' sizes, through pct

  scale::AuditLog audit_;
  Inflight* inflight_ = nullptr;  // by table slot x resource
  scale::VerticalHistory history_;
  bool reconciled_ = false;
  uint64_t audit_refused_ = 0;

  void (*api_extra_)(void* ctx, JsonWriter& w) = nullptr;
  void* api_extra_ctx_ = nullptr;
  CycleHook hook_ = nullptr;
  void* hook_ctx_ = nullptr;
};

}  // namespace edgestat
#endif  // EDGESTAT_NO_AUTOSCALE

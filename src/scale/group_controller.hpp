#pragma once
// One horizontal scaling group on the loop: after each collection it reads
// its clones' usage from the lxc collector's snapshot (never a second
// reader), asks the policy (group_policy.hpp) and hands a decision to the
// actuator (group_actuator.hpp). Which containers are its clones comes
// from a survey of the lxcpath (group_survey.hpp, on the writer thread):
// only containers carrying the group's marker, never the base.
//
// At start it reconciles first: every scale action of this group left
// "intended" in the audit file is finished from what the container really
// is (a clone that exists is configured, started and checked; one that
// does not is recorded failed), so a restart mid-action never acts twice.
#include <uv.h>

#include <cstdint>

#include "config/autoscale_group_config.hpp"
#include "core/json_writer.hpp"
#include "metrics/snapshot.hpp"
#include "scale/audit_reader.hpp"
#include "scale/group_actuator.hpp"
#include "scale/group_policy.hpp"
#include "scale/group_survey.hpp"

namespace edgestat::scale {

class GroupController {
 public:
  // Clones tracked for usage deltas (max_instances is at most 64).
  static constexpr size_t kMaxTracked = 64;
  // Unfinished actions of one group reconciled at start.
  static constexpr size_t kMaxUnfinished = 8;

  bool init(uv_loop_t* loop, const AutoscaleGroupConfig& g, const char* lxcpath, CommandRunner* runner,
            AuditLog* audit, store::JobMailbox* jobs, const AuditRecord* unfinished, size_t nunfinished,
            int64_t max_seq_seen);
  // Starts the first survey (and then reconciliation).
  void start();
  void on_snapshot(const Snapshot& snap);
  void add_metrics(Snapshot& snap) const;
  // The group in GET /api/v1/autoscaler: its bounds, desired size, every
  // clone it owns with its state, the action in flight, the last action
  // with its reason and result, and the retry backoff.
  void render_json(JsonWriter& w, int64_t now_wall_ms) const;
  // The size the group is moving to: its counted instances, plus or minus
  // the action in flight, within min..max.
  uint32_t desired() const;
  void close() { actuator_.close(); }

  std::string_view name() const { return cfg_.name.view(); }
  uint32_t instances() const { return instances_; }

 private:
  struct Tracked {
    FixedString<64> name;
    double usage = -1, start_time = -1;
    int64_t at_ms = 0;
    bool seen = false;
  };
  struct SurveyJob {
    store::JobMailbox::Job job;  // first
    GroupController* self = nullptr;
  };
  static void survey_run(store::JobMailbox::Job* j);
  static void survey_done(store::JobMailbox::Job* j);
  static void action_done(void* ctx, bool ok, std::string_view reason);
  void next_reconcile();
  void act(GroupDecision d, const char* reason);
  bool read_clone(const Snapshot& snap, std::string_view name, int64_t now_ms, double* cpu, double* mem, bool* valid);

  AutoscaleGroupConfig cfg_;
  GroupPolicyConfig policy_;
  GroupPolicyState state_;
  GroupActuator actuator_;
  AuditLog* audit_ = nullptr;
  store::JobMailbox* jobs_ = nullptr;
  FixedString<256> lxcpath_;
  FixedString<64> prefix_;
  GroupSurvey* survey_ = nullptr;  // reserved: 256 entries
  char* survey_buf_ = nullptr;
  SurveyJob survey_job_;
  bool surveying_ = false, surveyed_ = false;
  AuditRecord* unfinished_ = nullptr;
  size_t nunfinished_ = 0, next_unfinished_ = 0;
  bool reconciling_ = true;
  int64_t max_seq_ = 0;
  uint32_t first_addr_ = 0, last_addr_ = 0, gateway_ = 0;
  Tracked tracked_[kMaxTracked];
  uint32_t instances_ = 0;
  double mean_cpu_ = 0, mean_mem_ = 0;
  bool mean_valid_ = false;
  double host_cores_ = 1, host_mem_ = 1;
  uint64_t outs_done_ = 0, outs_failed_ = 0, ins_done_ = 0, ins_failed_ = 0, reconciled_ = 0;
  uint64_t outs_dry_ = 0, ins_dry_ = 0;  // recommend mode
  const char* last_reason_ = "";
  // The last action started (or reconciled) and how it ended.
  struct LastAction {
    bool any = false, out = true, finished = false, ok = false, dry_run = false;
    FixedString<64> target;
    AuditToken token;
    const char* reason = "";
    FixedString<128> result_reason;
    int64_t wall_ms = 0;
  } last_;
  bool pending_out_ = true;  // the action in flight is a scale out
};

}  // namespace edgestat::scale

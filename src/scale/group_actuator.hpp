#pragma once
// Carries out one scaling group action, step by step, each step a child
// process (command_runner.hpp) or a writer-thread job, never blocking the
// loop:
//   scale out: audit "intended" (durable) -> [lxc-copy -n BASE -N NEW [-s]]
//              -> rewrite NEW's config (marker, static address; durable)
//              -> lxc-start -> lxc-info until RUNNING -> [health command
//              with lxc-attach until it exits 0] -> audit "done"
//   scale in:  audit "intended" -> lxc-stop -> lxc-info until STOPPED
//              -> [lxc-destroy] -> audit "done"
// A failed step ends the action with audit "failed" and its reason (a new
// clone that never became healthy is stopped first, so it is not counted
// or left serving). A reconciliation (after a restart) runs the same steps
// for a token already in the audit file, without a second "intended" line;
// steps that were done already succeed again (starting a running clone,
// stopping a stopped one).
#include <uv.h>

#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "core/out_buffer.hpp"
#include "scale/audit_log.hpp"
#include "scale/clone_config.hpp"
#include "scale/command_runner.hpp"
#include "scale/group_survey.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat::scale {

struct GroupPlan {
  bool scale_out = true;
  bool copy = true;        // out: lxc-copy first (false: start a stopped clone of ours)
  bool destroy = false;    // in: lxc-destroy after the stop
  bool reconcile = false;  // the token's intended line is in the file already
  AuditToken token;
  FixedString<64> target;
  int64_t seq = 0;
  uint32_t address = 0;
  FixedString<160> fail_now;  // reconcile: nothing to do but record this failure
};

struct GroupActuatorConfig {
  std::string_view group, base, lxcpath;
  bool snapshot = false;
  uint32_t prefix = 24, gateway = 0;
  std::string_view health_command;  // blank-separated argv
  uint32_t copy_timeout_ms = 120000, start_timeout_ms = 60000, command_timeout_ms = 30000;
};

class GroupActuator {
 public:
  // done(ctx, ok, reason): on the loop after the final audit line (or its
  // failure); reason is static or lives until the next action.
  using DoneFn = void (*)(void* ctx, bool ok, std::string_view reason);

  bool init(uv_loop_t* loop, const GroupActuatorConfig& c, CommandRunner* runner, AuditLog* audit,
            store::JobMailbox* jobs);
  bool busy() const { return step_ != Step::Idle; }
  // Starts the plan; false (nothing done) when busy or the audit refuses.
  bool start(const GroupPlan& p, DoneFn done, void* ctx);
  void close();
  std::string_view step_name() const;

 private:
  enum class Step : uint8_t {
    Idle, Intend, Copy, Config, Start, WaitRunning, Health, Stop, WaitStopped, Destroy, Cleanup, Finish
  };
  struct ConfigJob {
    store::JobMailbox::Job job;  // first
    GroupActuator* self = nullptr;
    Status status;
  };
  void enter(Step s);
  void run_command(const char* const* argv, size_t argc, uint32_t timeout_ms);
  void fail(std::string_view why, const CommandResult* r = nullptr);
  void finish(bool ok, std::string_view reason);
  void params_json(OutBuffer& out) const;
  static void audit_cb(void* ctx, bool ok, int err);
  static void command_cb(void* ctx, const CommandResult& r);
  static void retry_cb(uv_timer_t* t);
  static void job_run(store::JobMailbox::Job* j);
  static void job_done(store::JobMailbox::Job* j);
  void on_command(const CommandResult& r);

  GroupActuatorConfig c_;
  FixedString<64> group_, base_;
  FixedString<256> lxcpath_, health_;
  uv_loop_t* loop_ = nullptr;
  CommandRunner* runner_ = nullptr;
  AuditLog* audit_ = nullptr;
  store::JobMailbox* jobs_ = nullptr;
  uv_timer_t retry_{};
  bool timer_on_ = false;
  Step step_ = Step::Idle;
  GroupPlan plan_;
  DoneFn done_ = nullptr;
  void* ctx_ = nullptr;
  uint64_t deadline_ms_ = 0;  // WaitRunning/Health/WaitStopped
  bool ok_ = false;
  FixedString<256> reason_;
  ConfigJob job_;
  char* buf_ = nullptr;  // two kConfigBytes buffers for the config rewrite
};

}  // namespace edgestat::scale

#include "scale/group_actuator.hpp"

#include "core/clock.hpp"
#include "core/ipv4.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"

namespace edgestat::scale {
namespace {

// lxc-info and the health command are polled this often while a clone
// comes up or goes down.
constexpr uint64_t kPollMs = 500;

int64_t wall_ms() { return realtime_ns() / 1000000; }

// "State:          RUNNING" in lxc-info -s output.
bool info_state(std::string_view out, std::string_view want) {
  size_t p = out.find("State:");
  if (p == std::string_view::npos) return false;
  std::string_view rest = trim(out.substr(p + 6));
  return rest.substr(0, want.size()) == want;
}

// The first line of a command's stderr, for reasons.
std::string_view first_line(std::string_view s) {
  s = trim(s);
  return s.substr(0, s.find('\n'));
}

}  // namespace

bool GroupActuator::init(uv_loop_t* loop, const GroupActuatorConfig& c, CommandRunner* runner, AuditLog* audit,
                         store::JobMailbox* jobs) {
  if (!group_.assign(c.group) || !base_.assign(c.base) || !lxcpath_.assign(c.lxcpath) ||
      !health_.assign(c.health_command))
    return false;
  c_ = c;
  c_.group = group_.view();
  c_.base = base_.view();
  c_.lxcpath = lxcpath_.view();
  c_.health_command = health_.view();
  loop_ = loop;
  runner_ = runner;
  audit_ = audit;
  jobs_ = jobs;
  buf_ = reserve_array<char>(2 * GroupSurvey::kConfigBytes);
  if (!buf_) return false;
  job_.self = this;
  job_.job.run = job_run;
  job_.job.done = job_done;
  uv_timer_init(loop, &retry_);
  retry_.data = this;
  timer_on_ = true;
  return true;
}

void GroupActuator::close() {
  if (timer_on_) uv_close(reinterpret_cast<uv_handle_t*>(&retry_), nullptr);
  timer_on_ = false;
  done_ = nullptr;
}

std::string_view GroupActuator::step_name() const {
  static constexpr std::string_view kNames[] = {"idle",         "intend", "copy",         "config",
                                                "start",        "wait_running", "health", "stop",
                                                "wait_stopped", "destroy",      "cleanup", "finish"};
  return kNames[static_cast<size_t>(step_)];
}

void GroupActuator::params_json(OutBuffer& out) const {
  JsonWriter w(out);
  w.begin_object();
  w.field("group", c_.group);
  if (plan_.scale_out) {
    w.field("base", c_.base);
    w.field("copy", plan_.copy);
    w.field("snapshot", c_.snapshot);
    if (plan_.address) {
      char a[16];
      w.field("address", std::string_view(a, format_ipv4(plan_.address, a)));
    }
  } else {
    w.field("destroy", plan_.destroy);
  }
  w.field_i64("seq", plan_.seq);
  w.end_object();
}

bool GroupActuator::start(const GroupPlan& p, DoneFn done, void* ctx) {
  if (busy()) return false;
  plan_ = p;
  done_ = done;
  ctx_ = ctx;
  ok_ = false;
  reason_.clear();
  if (!plan_.fail_now.empty()) {
    step_ = Step::Finish;
    finish(false, plan_.fail_now.view());
    return true;
  }
  if (plan_.reconcile) {
    enter(plan_.scale_out ? (plan_.copy ? Step::Copy : Step::Config) : Step::Stop);
    return true;
  }
  char pbuf[400];
  OutBuffer pout(pbuf, sizeof pbuf);
  params_json(pout);
  AuditEntry e{plan_.token.view(), plan_.scale_out ? "scale_out" : "scale_in", plan_.target.view(),
               AuditState::Intended, pout.view(), ""};
  step_ = Step::Intend;
  Status st = audit_->append(e, wall_ms(), audit_cb, this);
  if (!st) {
    step_ = Step::Idle;
    log_error("group action not started: the audit line was refused",
              {{"group", c_.group}, {"target", plan_.target.view()}, {"err", st.message()}});
    return false;
  }
  return true;
}

void GroupActuator::audit_cb(void* ctx, bool ok, int err) {
  GroupActuator* a = static_cast<GroupActuator*>(ctx);
  if (a->step_ == Step::Intend) {
    if (!ok) {
      // Never act on an intention that is not on disk.
      log_error("group action not started: the audit line could not be written",
                {{"group", a->c_.group}, {"target", a->plan_.target.view()}, {"err", std::strerror(err)}});
      a->step_ = Step::Idle;
      if (a->done_) a->done_(a->ctx_, false, "audit_write_failed");
      return;
    }
    a->enter(a->plan_.scale_out ? (a->plan_.copy ? Step::Copy : Step::Config) : Step::Stop);
    return;
  }
  // The final line.
  if (!ok)
    log_error("group action's final audit line could not be written",
              {{"group", a->c_.group}, {"target", a->plan_.target.view()}, {"err", std::strerror(err)}});
  a->step_ = Step::Idle;
  if (a->done_) a->done_(a->ctx_, a->ok_, a->reason_.view());
}

void GroupActuator::enter(Step s) {
  step_ = s;
  const char* name = plan_.target.c_str();
  switch (s) {
    case Step::Copy: {
      // A reconciled copy whose clone exists already skips to the config.
      const char* argv[] = {"lxc-copy", "-n", base_.c_str(), "-N", name, "-s"};
      run_command(argv, c_.snapshot ? 6 : 5, c_.copy_timeout_ms);
      return;
    }
    case Step::Config:
      jobs_->submit(&job_.job);
      return;
    case Step::Start: {
      const char* argv[] = {"lxc-start", "-n", name};
      run_command(argv, 3, c_.command_timeout_ms);
      return;
    }
    case Step::WaitRunning:
    case Step::WaitStopped: {
      const char* argv[] = {"lxc-info", "-n", name, "-s"};
      run_command(argv, 4, c_.command_timeout_ms);
      return;
    }
    case Step::Health: {
      const char* argv[CommandRunner::kMaxArgs];
      FixedString<256> words(c_.health_command);  // split in place: NUL-separated
      static char split[257];
      size_t n = 0;
      argv[n++] = "lxc-attach";
      argv[n++] = "-n";
      argv[n++] = name;
      argv[n++] = "--";
      std::memcpy(split, words.c_str(), words.size() + 1);
      for (size_t i = 0; split[i] && n < CommandRunner::kMaxArgs;) {
        while (split[i] == ' ' || split[i] == '\t') split[i++] = '\0';
        if (!split[i]) break;
        argv[n++] = split + i;
        while (split[i] && split[i] != ' ' && split[i] != '\t') ++i;
      }
      run_command(argv, n, c_.command_timeout_ms);
      return;
    }
    case Step::Stop: {
      const char* argv[] = {"lxc-stop", "-n", name, "-t", "10"};
      run_command(argv, 5, c_.command_timeout_ms);
      return;
    }
    case Step::Cleanup: {
      const char* argv[] = {"lxc-stop", "-n", name, "-k"};
      run_command(argv, 4, c_.command_timeout_ms);
      return;
    }
    case Step::Destroy: {
      const char* argv[] = {"lxc-destroy", "-n", name};
      run_command(argv, 3, c_.command_timeout_ms);
      return;
    }
    case Step::Idle:
    case Step::Intend:
    case Step::Finish: return;
  }
}

void GroupActuator::run_command(const char* const* argv, size_t argc, uint32_t timeout_ms) {
  log_debug("group command", {{"group", c_.group}, {"program", argv[0]}, {"target", plan_.target.view()}});
  Status st = runner_->run(argv, argc, timeout_ms, command_cb, this);
  if (!st) fail(st.message());
}

void GroupActuator::command_cb(void* ctx, const CommandResult& r) { static_cast<GroupActuator*>(ctx)->on_command(r); }

void GroupActuator::on_command(const CommandResult& r) {
  uint64_t now = uv_now(loop_);
  switch (step_) {
    case Step::Copy:
      if (!r.ok()) {
        // Reconciling a copy that finished before the restart: the clone is there.
        if (plan_.reconcile && r.err.find("already exists") != std::string_view::npos) {
          enter(Step::Config);
          return;
        }
        return fail("lxc-copy failed", &r);
      }
      return enter(Step::Config);
    case Step::Start:
      // Failure is judged by lxc-info: starting a clone that is running
      // already (a reconciliation) is not an error.
      if (!r.ok()) reason_.assign(first_line(r.err));
      deadline_ms_ = now + c_.start_timeout_ms;
      return enter(Step::WaitRunning);
    case Step::WaitRunning:
      if (r.ok() && info_state(r.out, "RUNNING"))
        return c_.health_command.empty() ? finish(true, "running") : enter(Step::Health);
      break;
    case Step::Health:
      if (r.ok()) return finish(true, "running, health command passed");
      reason_.assign("health command failed");
      break;
    case Step::Stop:
      deadline_ms_ = now + c_.command_timeout_ms;
      return enter(Step::WaitStopped);
    case Step::WaitStopped:
      if (r.ok() && info_state(r.out, "STOPPED")) return plan_.destroy ? enter(Step::Destroy) : finish(true, "stopped");
      break;
    case Step::Destroy:
      if (!r.ok()) return fail("lxc-destroy failed", &r);
      return finish(true, "stopped and destroyed");
    case Step::Cleanup:
      step_ = Step::Finish;
      return finish(false, reason_.view());
    default: return;
  }
  // Polling steps: again after kPollMs until the deadline.
  if (now + kPollMs > deadline_ms_) {
    if (step_ == Step::WaitStopped) return fail("did not stop in time");
    if (reason_.empty()) reason_.assign(step_ == Step::Health ? "health command failed" : "not running in time");
    FixedString<256> why(reason_.view());
    return fail(why.view());
  }
  uv_timer_start(&retry_, retry_cb, kPollMs, 0);
}

void GroupActuator::retry_cb(uv_timer_t* t) {
  GroupActuator* a = static_cast<GroupActuator*>(t->data);
  a->enter(a->step_);
}

void GroupActuator::job_run(store::JobMailbox::Job* j) {
  ConfigJob* cj = reinterpret_cast<ConfigJob*>(j);
  GroupActuator* a = cj->self;
  CloneSettings s;
  s.group = a->c_.group;
  s.token = a->plan_.token.view();
  s.seq = a->plan_.seq;
  s.address = a->plan_.address;
  s.prefix = a->c_.prefix;
  s.gateway = a->c_.gateway;
  cj->status = write_clone_config(a->lxcpath_.c_str(), a->plan_.target.view(), s, a->buf_,
                                  a->buf_ + GroupSurvey::kConfigBytes);
}

void GroupActuator::job_done(store::JobMailbox::Job* j) {
  ConfigJob* cj = reinterpret_cast<ConfigJob*>(j);
  GroupActuator* a = cj->self;
  if (a->step_ != Step::Config) return;
  if (!cj->status) {
    FixedString<256> why("cannot write the clone's config: ");
    why.append(cj->status.message().substr(0, 200));
    return a->fail(why.view());
  }
  a->enter(Step::Start);
}

void GroupActuator::fail(std::string_view why, const CommandResult* r) {
  reason_.assign(why.substr(0, 120));
  if (r) {
    if (r->timed_out) reason_.append(": timed out");
    else if (!first_line(r->err).empty()) {
      reason_.append(": ");
      reason_.append(first_line(r->err).substr(0, 120));
    }
  }
  // A new clone that did not come up healthy is stopped, so it neither
  // counts nor serves.
  if (plan_.scale_out && (step_ == Step::WaitRunning || step_ == Step::Health || step_ == Step::Start)) {
    FixedString<256> keep(reason_.view());
    enter(Step::Cleanup);
    reason_.assign(keep.view());
    return;
  }
  step_ = Step::Finish;
  finish(false, reason_.view());
}

void GroupActuator::finish(bool ok, std::string_view reason) {
  FixedString<256> r(reason.substr(0, 200));
  if (plan_.reconcile) {
    reason_.assign("reconciled after restart: ");
    reason_.append(r.view());
  } else {
    reason_.assign(r.view());
  }
  ok_ = ok;
  step_ = Step::Finish;
  (ok ? log_info : log_warn)(ok ? "group action done" : "group action failed",
                             {{"group", c_.group},
                              {"action", plan_.scale_out ? "scale_out" : "scale_in"},
                              {"target", plan_.target.view()},
                              {"token", plan_.token.view()},
                              {"reason", reason_.view()}});
  AuditEntry e{plan_.token.view(), plan_.scale_out ? "scale_out" : "scale_in", plan_.target.view(),
               ok ? AuditState::Done : AuditState::Failed, "", reason_.view()};
  if (!audit_->append(e, wall_ms(), audit_cb, this)) {
    log_error("group action's final audit line refused", {{"group", c_.group}, {"target", plan_.target.view()}});
    step_ = Step::Idle;
    if (done_) done_(ctx_, ok_, reason_.view());
  }
}

}  // namespace edgestat::scale

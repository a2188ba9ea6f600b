#include "app/pct_persist.hpp"

#include "core/log.hpp"
#include "core/number.hpp"
#include "core/reserve.hpp"
#include "scale/pct_argv.hpp"

namespace edgestat {

bool PctPersist::init(uv_loop_t* loop, uint32_t capacity, uint64_t* counters) {
  counters_ = counters;
  cap_ = capacity ? capacity : 1;
  slots_ = reserve_array<Slot>(cap_);
  return slots_ && runner_.init(loop, 1);
}

void PctPersist::want(uint32_t slot, std::string_view name, std::string_view vmid, double cores, double bytes) {
  if (!slots_ || slot >= cap_) return;
  Slot& s = slots_[slot];
  s.wanted = true;
  s.awaiting = false;  // a newer size replaces one not yet read back
  s.name.assign(name);
  s.vmid.assign(vmid);
  s.cores = cores;
  s.bytes = bytes;
  start();
}

bool PctPersist::busy(uint32_t slot) const {
  if (!slots_ || slot >= cap_) return false;
  const Slot& s = slots_[slot];
  return s.wanted || s.running || s.awaiting;
}

void PctPersist::start() {
  if (running_) return;
  for (uint32_t i = 0; i < cap_; ++i) {
    Slot& s = slots_[i];
    if (!s.wanted) continue;
    s.wanted = false;
    scale::PctArgv a;
    if (!scale::build_pct_set(s.vmid.view(), s.cores, s.bytes, &a)) {
      ++counters_[1];
      log_error("autoscaler: no pct command for this size (outside pct's ranges)",
                {{"name", s.name.view()}, {"vmid", s.vmid.view()}, {"cores", s.cores}, {"memory_bytes", s.bytes}});
      continue;
    }
    Status st = runner_.run(a.argv, a.argc, kTimeoutMs, done_cb, this);
    if (!st) {
      ++counters_[1];
      log_error("autoscaler: pct could not be started (the running limit stays)",
                {{"name", s.name.view()}, {"vmid", s.vmid.view()}, {"err", st.message()}});
      continue;
    }
    s.running = true;
    running_ = true;
    current_ = i;
    return;
  }
}

void PctPersist::done_cb(void* ctx, const scale::CommandResult& r) {
  auto* p = static_cast<PctPersist*>(ctx);
  Slot& s = p->slots_[p->current_];
  p->running_ = false;
  s.running = false;
  if (r.ok()) {
    s.awaiting = !s.wanted;  // a newer size already waits: that one is read back instead
  } else {
    ++p->counters_[1];
    log_error("autoscaler: pct set failed (the running limit stays)",
              {{"name", s.name.view()},
               {"vmid", s.vmid.view()},
               {"exit_status", r.exit_status},
               {"signal", r.term_signal},
               {"timed_out", r.timed_out},
               {"stderr", r.err}});
  }
  p->start();
}

void PctPersist::confirm(uint32_t slot, const lxc::PveConfig& pve) {
  if (!slots_ || slot >= cap_ || !slots_[slot].awaiting) return;
  Slot& s = slots_[slot];
  s.awaiting = false;
  if (scale::pct_config_shows(pve, s.cores, s.bytes)) {
    ++counters_[0];
    log_info("autoscaler persisted", {{"name", s.name.view()}, {"vmid", s.vmid.view()}, {"via", "pct"}});
    return;
  }
  ++counters_[1];
  log_error("autoscaler: pct set exited 0 but VMID.conf does not show the new size",
            {{"name", s.name.view()},
             {"vmid", s.vmid.view()},
             {"cores", s.cores},
             {"memory_bytes", s.bytes},
             {"conf_cores", pve.cores},
             {"conf_cpulimit", pve.cpulimit},
             {"conf_memory_bytes", pve.memory_bytes}});
}

void PctPersist::close() { runner_.close(); }

}  // namespace edgestat

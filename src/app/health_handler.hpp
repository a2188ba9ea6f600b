#pragma once
// /health: the agent's own checks (collectors, free space on the data
// directory, host memory, loop lag) plus the checks other parts register
// (the records store, the TLS certificate, exporters), classified by
// health/health.hpp. Host memory comes from the snapshot the collectors
// already read, not from a second read of /proc/meminfo.
#include <cstddef>

#include "app/collection.hpp"
#include "config/config.hpp"
#include "health/health.hpp"
#include "http/router.hpp"

namespace edgestat {

// MemTotal and MemAvailable from the meminfo collector's samples; unknown
// when that collector is off or failed.
MemoryInput memory_from_snapshot(const Snapshot& snap);

class HealthHandler {
 public:
  // A check another part of the agent contributes, called on every /health.
  using CheckFn = HealthCheck (*)(const void* ctx);
  // Room for every part that registers one (store, TLS, exporters, autoscaler).
  static constexpr size_t kMaxExtraChecks = HealthReport::kMaxChecks - 4;

  HealthHandler(const Config& cfg, const Collection& col, const double& loop_lag_s)
      : cfg_(cfg), col_(col), lag_s_(loop_lag_s) {}

  // False when kMaxExtraChecks are registered already.
  bool add_check(CheckFn fn, const void* ctx);
  bool add_routes(http::Router& router);

  // The whole report, as /health renders it (the status page uses it too).
  void build(HealthReport& r) const;

 private:
  static void handle(void* ctx, http::Exchange& ex);

  struct Extra {
    CheckFn fn;
    const void* ctx;
  };
  const Config& cfg_;
  const Collection& col_;
  const double& lag_s_;
  Extra extra_[kMaxExtraChecks] = {};
  size_t nextra_ = 0;
};

}  // namespace edgestat

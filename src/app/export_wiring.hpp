#pragma once
// The push exporter (src/export/) wired into the Agent's loop: built from
// [export.*] sections at start, fed the snapshot after every collection,
// its families on /metrics and its check on /health. The spool's blocking
// file work goes to the records writer thread through a JobMailbox, so the
// writer runs whenever a target spools, even with [store] enabled = false.
#include <uv.h>

#include "config/config.hpp"
#include "health/health.hpp"
#include "metrics/snapshot.hpp"
#include "store/job_mailbox.hpp"

#ifdef EDGESTAT_NO_EXPORT
namespace edgestat {

// -DEDGESTAT_EXPORT=OFF: no push targets (validate_build_features refuses
// an [export.*] section), so nothing spools, renders or reports health.
class ExportWiring {
 public:
  bool init(const Config&, uv_loop_t*) { return true; }
  bool enabled() const { return false; }
  store::JobMailbox* jobs() { return nullptr; }
  void on_refresh(const Snapshot&) {}
  void add_metrics(Snapshot&) const {}
  HealthCheck health() const { return {}; }
  void close_handles() {}
  static void keep_targets(const Config&, Config&) {}
};

}  // namespace edgestat
#else
#include "export/exporter.hpp"

namespace edgestat {

class ExportWiring {
 public:
  bool init(const Config& c, uv_loop_t* loop);
  bool enabled() const { return exporter_.targets() > 0; }
  // The mailbox the writer thread must serve (null when nothing spools).
  store::JobMailbox* jobs() { return jobs_on_ ? &jobs_ : nullptr; }

  void on_refresh(const Snapshot& snap) {
    if (enabled()) exporter_.on_snapshot(snap);
  }
  void add_metrics(Snapshot& snap) const {
    if (enabled()) exporter_.add_metrics(snap);
  }
  HealthCheck health() const { return exporter_.health(); }
  // Stop signal: closes the targets' handles and the mailbox's.
  void close_handles();
  // SIGHUP: push targets size memory, so a changed [export.*] keeps the
  // running targets (logged); next gets the running sections.
  static void keep_targets(const Config& running, Config& next);

 private:
  exporter::Exporter exporter_;
  store::JobMailbox jobs_;
  bool jobs_on_ = false;
};

}  // namespace edgestat
#endif  // EDGESTAT_NO_EXPORT

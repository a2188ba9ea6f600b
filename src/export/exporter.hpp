#pragma once
// All push targets of the config, fed from the loop after each collection:
// the snapshot is indexed with each target's filter and encoded into its
// queue; each target then sends on its own (export/target.hpp). Adds the
// edgestat_export_* families to the snapshot and the "export" /health
// check (degraded while a breaker is open or half-open).
#include <uv.h>

#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "export/series.hpp"
#include "export/target.hpp"
#include "health/health.hpp"
#include "metrics/snapshot.hpp"
#include "store/job_mailbox.hpp"

namespace edgestat::exporter {

class Exporter {
 public:
  using FindCollector = int (*)(std::string_view name);

  Exporter() = default;
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;
  ~Exporter();

  // Reserves everything for the configured targets (nothing when there are
  // none). jobs: the writer thread's mailbox for the spool (null: no spool).
  bool init(const Config& c, uv_loop_t* loop, store::JobMailbox* jobs, FindCollector find);
  size_t targets() const { return n_; }
  bool needs_jobs() const;  // some target spools

  // After each collection (on the loop): push what is due.
  void on_snapshot(const Snapshot& snap);
  void add_metrics(Snapshot& snap) const;
  HealthCheck health() const;
  void stop();

 private:
  struct Slot {
    ExportTargetConfig cfg;  // a copy: reloads never move it
    Target target;
    SeriesFilter filter;
    LabelPair external[kMaxSeriesLabels];
    size_t nexternal = 0;
  };

  Slot* slots_ = nullptr;
  size_t n_ = 0;
  SeriesIndex index_;
  uint8_t* scratch_ = nullptr;
  size_t scratch_cap_ = 0;
  int64_t start_ms_ = 0;
  char hostname_[256] = {};
};

}  // namespace edgestat::exporter

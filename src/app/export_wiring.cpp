#include "app/export_wiring.hpp"

#include "collect/registry.hpp"
#include "core/log.hpp"

namespace edgestat {

bool ExportWiring::init(const Config& c, uv_loop_t* loop) {
  if (c.exporter.targets.empty()) return true;
  bool spool = false;
  for (const ExportTargetConfig& t : c.exporter.targets) spool = spool || t.spool_bytes > 0;
  if (spool) {
    if (!jobs_.init(loop, nullptr, nullptr)) {
      log_error("export: cannot set up the spool mailbox");
      return false;
    }
    jobs_on_ = true;
  }
  if (!exporter_.init(c, loop, jobs(), find_collector)) {
    log_error("export: cannot set up the push targets");
    return false;
  }
  return true;
}

void ExportWiring::close_handles() {
  exporter_.stop();
  if (jobs_on_) jobs_.close();
}

void ExportWiring::keep_targets(const Config& running, Config& next) {
  const auto& a = running.exporter.targets;
  const auto& b = next.exporter.targets;
  bool same = a.size() == b.size();
  for (size_t i = 0; same && i < a.size(); ++i)
    same = a[i].kind == b[i].kind && a[i].name.view() == b[i].name.view() && a[i].url.view() == b[i].url.view();
  if (!same) log_warn("config change requires restart, keeping the running value", {{"key", "[export.*] sections"}});
  next.exporter = running.exporter;
}

}  // namespace edgestat

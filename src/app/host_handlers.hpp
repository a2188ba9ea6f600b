#pragma once
// The snapshot's endpoints: /metrics (--web.telemetry-path; text 0.0.4 or
// OpenMetrics by Accept; node_exporter's collect[]/exclude[] and its
// --web.max-requests 503), /api/v1/snapshot (JSON) and /health/live (the
// page at / is app/web_handlers). Each scrape first asks for a fresh snapshot (the agent
// decides whether that collects) and then serves a cached rendering.
#include <cstdint>

#include "app/collection.hpp"
#include "app/render_cache.hpp"
#include "config/config.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace edgestat {

class HostHandlers {
 public:
  using FreshFn = void (*)(void* ctx);

  HostHandlers(const Config& cfg, const Collection& col, RenderCache& cache, const http::Server& server,
               FreshFn ensure_fresh, void* fresh_ctx)
      : cfg_(cfg), col_(col), cache_(cache), server_(server), fresh_(ensure_fresh), fresh_ctx_(fresh_ctx) {}

  // Adds the routes; false (logged) when the route table is full.
  bool add_routes(http::Router& router);
  // After a reload: the telemetry path may have moved.
  void set_telemetry_path(http::Router& router) { router.set_path(metrics_route_, cfg_.web.telemetry_path.view()); }

  // collect[]/exclude[] as a collector mask: *filtered says whether the
  // query named any. False with a 400 written into ex for an unknown or
  // disabled collector, both parameters at once, or a bad escape.
  bool filter_mask(http::Exchange& ex, uint64_t* mask, bool* filtered) const;

 private:
  static void handle_metrics(void* ctx, http::Exchange& ex);
  static void handle_snapshot(void* ctx, http::Exchange& ex);
  static void handle_live(void* ctx, http::Exchange& ex);

  const Config& cfg_;
  const Collection& col_;
  RenderCache& cache_;
  const http::Server& server_;
  FreshFn fresh_;
  void* fresh_ctx_;
  int metrics_route_ = -1;
};

}  // namespace edgestat

#pragma once
// The daemon: one libuv loop owning every piece of state. The Agent embeds
// its handles (the interval timer, signal watchers) and the parts that
// embed theirs (the HTTP server's connection pool, the StatsD sockets), so
// after the `started` line nothing on the HTTP path or in collection
// allocates. It only wires: each endpoint and each pipeline lives in its
// own file (host_handlers, health_handler, ingest_api, statsd_listener...).
//
// Freshness: a poll timer refreshes the snapshot every collect.interval; a
// scrape finding it older than collect.scrape_max_age refreshes it first,
// synchronously in the loop, so however many scrapers wait only the first
// collects, and postpones the timer to 1.5 intervals later: one collection
// per interval whatever triggers it, and none from the timer while a
// scraper comes regularly. Each rendering is cached (render_cache.hpp):
// concurrent scrapes of one snapshot render once.
//
// Signals: SIGTERM/SIGINT stop gracefully (listeners closed, in-flight
// responses finish within agent.shutdown_timeout, uv_run returns, exit 0).
// SIGHUP reloads the config with the start-up loader (file, environment,
// the original flags); a bad config is logged error by error and the old
// one stays; keys that need a restart (config/reload.hpp) log "requires
// restart" and keep their running values; the rest apply at once.
#include <uv.h>

#include <cstdint>

#include "app/autoscale_groups_wiring.hpp"
#include "app/autoscale_wiring.hpp"
#include "app/cli.hpp"
#include "app/collection.hpp"
#include "app/export_wiring.hpp"
#include "app/health_handler.hpp"
#include "app/host_handlers.hpp"
#include "app/ingest_api.hpp"
#include "app/ingest_pipeline.hpp"
#include "app/pid_lock.hpp"
#include "app/render_cache.hpp"
#include "app/self_metrics.hpp"
#include "app/statsd_listener.hpp"
#include "app/web_handlers.hpp"
#include "config/config.hpp"
#include "http/access_policy.hpp"
#include "http/body_pool.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/tls_context.hpp"

namespace edgestat {

class Agent {
 public:
  Agent(const CliArgs& args, int argc, char** argv, char** envp, Config& cfg)
      : args_(args), argc_(argc), argv_(argv), envp_(envp), cfg_(cfg) {}
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Runs until a stop signal; the process exit code.
  int run();

  // Internal, for the callbacks in agent.cpp.
  struct Impl;
  friend struct Impl;

 private:
  // Refreshes the snapshot when it is older than collect.scrape_max_age.
  static void ensure_fresh(void* self);

  const CliArgs& args_;
  int argc_;
  char** argv_;
  char** envp_;
  Config& cfg_;

  PidLock lock_;
  uv_loop_t loop_;
  uv_timer_t poll_timer_;
  uv_signal_t sigterm_, sigint_, sighup_;
  http::Router router_;
  http::BodyPool pool_;
  http::AccessPolicy access_;
  http::TlsContext* tls_ctx_ = nullptr;  // the serving certificate (null: no HTTPS)
  http::Server server_;
  Collection collection_;
  RenderCache cache_;
  IngestPipeline ingest_;
  IngestApi ingest_api_{ingest_, pool_};
  StatsdListener statsd_{ingest_};
  ExportWiring export_;
  AutoscaleGroupsWiring groups_;
  AutoscaleWiring autoscale_;
  double lag_s_ = 0;
  HealthHandler health_{cfg_, collection_, lag_s_};
  HostHandlers host_{cfg_, collection_, cache_, server_, ensure_fresh, this};
  WebHandlers web_{pool_};

  uint64_t collections_[kCollectTriggers] = {};
  int64_t refreshed_ns_ = 0;  // monotonic time of the last refresh
  uint64_t poll_due_ns_ = 0;  // uv_hrtime when the interval timer should fire
  double start_time_s_ = 0;
  bool stopping_ = false;
};

}  // namespace edgestat

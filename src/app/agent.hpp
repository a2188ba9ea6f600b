#pragma once
// The daemon: one libuv loop owning every piece of state. The Agent embeds
// its handles (poll and lag timers, signal watchers) and the objects that
// embed theirs (the HTTP server's connection pool), so after the `started`
// line nothing on the HTTP path or in collection allocates.
//
// Freshness: a poll timer refreshes the snapshot every collect.interval; a
// scrape finding it older than collect.scrape_max_age refreshes it first,
// synchronously in the loop, so however many scrapers wait only the first
// collects. Each rendering is cached in the BodyPool under (generation,
// format): concurrent scrapes of one snapshot render once.
//
// Signals: SIGTERM/SIGINT stop gracefully (listeners closed, in-flight
// responses finish within agent.shutdown_timeout, uv_run returns, exit 0).
// SIGHUP reloads the config with the start-up loader (file, environment,
// the original flags); a bad config is logged error by error and the old
// one stays; keys that size memory or bind sockets log "requires restart"
// and keep their running values; the rest apply at once.
#include <uv.h>

#include <cstdint>

#include "app/cli.hpp"
#include "app/collection.hpp"
#include "app/ingest_wiring.hpp"
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
  const CliArgs& args_;
  int argc_;
  char** argv_;
  char** envp_;
  Config& cfg_;

  uv_loop_t loop_;
  uv_timer_t poll_timer_;
  uv_timer_t lag_timer_;
  uv_signal_t sigterm_, sigint_, sighup_;
  http::Router router_;
  http::BodyPool pool_;
  http::AccessPolicy access_;
  http::TlsContext* tls_ctx_ = nullptr;  // the serving certificate (null: no HTTPS)
  http::Server server_;
  Collection collection_;
  IngestWiring ingest_;

  int lock_fd_ = -1;
  uint64_t generation_ = 0;     // bumped by every refresh and reload
  int64_t refreshed_ns_ = 0;    // monotonic time of the last refresh
  uint64_t lag_last_ns_ = 0;    // uv_hrtime of the last lag probe
  double lag_s_ = 0;
  double start_time_s_ = 0;
  uint64_t stale_total_ = 0;
  uint64_t overflow_total_ = 0;
  bool stopping_ = false;
};

}  // namespace edgestat

#include "app/agent.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "app/security_metrics.hpp"
#include "app/self_metrics.hpp"
#include "collect/registry.hpp"
#include "config/reload.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "health/cert_expiry.hpp"

namespace edgestat {
namespace {

// Restart keys named one by one in the reload log; more are counted.
constexpr size_t kMaxKeptListed = 16;

// libuv keeps an array of watchers indexed by fd and grows it with realloc
// the first time it sees a larger fd. Growing it once at start to cover
// every fd the connection cap can use keeps accepting allocation-free.
void prime_fd_table(uv_loop_t* loop, uint32_t max_connections) {
  rlimit rl;
  int want = static_cast<int>(max_connections) + 64;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && want >= static_cast<int>(rl.rlim_cur))
    want = static_cast<int>(rl.rlim_cur) - 1;
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  int fd = want > s ? dup3(s, want, O_CLOEXEC) : -1;
  ::close(s);
  if (fd < 0) return;
  uv_poll_t p;
  if (uv_poll_init_socket(loop, &p, fd) == 0) {
    uv_poll_start(&p, UV_READABLE, [](uv_poll_t*, int, int) {});
    uv_poll_stop(&p);
    uv_close(reinterpret_cast<uv_handle_t*>(&p), nullptr);
    // The close completes on the next loop turn; run it now so the handle
    // on this stack frame is off the loop's lists before we return.
    uv_run(loop, UV_RUN_NOWAIT);
  }
  ::close(fd);
}

void log_config_errors(const ConfigErrors& errors) {
  log_error("config reload failed, keeping the running config", {{"errors", errors.items.size() + errors.unlisted}});
  for (const auto& e : errors.items) log_error("config error", {{"err", e.view()}});
}

void log_tls(const http::TlsContext* ctx, std::string_view msg) {
  int64_t now = static_cast<int64_t>(realtime_ns() / 1000000000);
  int64_t days = (ctx->not_after() - now) / 86400;
  if (ctx->not_after() <= now) {
    log_warn("TLS certificate has expired: clients that verify it will refuse to connect",
             {{"subject", ctx->subject()}, {"not_after", ctx->not_after()}});
  } else if (days < kCertExpiryDegradedDays) {
    log_warn("TLS certificate expires soon", {{"subject", ctx->subject()}, {"days_left", days}});
  }
  log_info(msg, {{"subject", ctx->subject()}, {"not_after", ctx->not_after()}, {"days_left", days},
                 {"cipher_suites", ctx->cipher_count()}});
}

}  // namespace

struct Agent::Impl {
  static Agent* of(uv_handle_t* h) { return static_cast<Agent*>(h->data); }

  // ---- collection ----

  static void self_hook(Snapshot& snap, void* ctx) {
    Agent* a = static_cast<Agent*>(ctx);
    SelfInputs in;
    in.http = &a->server_.stats();
    in.router = &a->router_;
    in.connections = a->server_.open_connections();
    in.collect_duration_s = a->collection_.last_duration_seconds();
    in.collections = a->collections_;
    in.loop_lag_s = a->lag_s_;
    in.start_time_s = a->start_time_s_;
    in.stale_bodies_total = a->cache_.stale_total();
    in.render_overflow_total = a->cache_.overflow_total();
    // --web.disable-exporter-metrics: what process_* and promhttp_* are to
    // node_exporter. Application data (ingest, store) and push stay.
    if (!a->cfg_.web.disable_exporter_metrics) add_self_metrics(snap, in);
    a->ingest_.add_metrics(snap);
    a->export_.add_metrics(snap);
    a->groups_.add_metrics(snap);
    a->autoscale_.on_collection(snap);  // decides on this collection's lxc readings
    SecurityInputs sec;
    sec.access = &a->access_;
    if (a->tls_ctx_) {
      sec.tls = &a->server_.tls_stats();
      sec.tls_max_connections = static_cast<uint32_t>(a->cfg_.tls.max_connections);
      sec.cert_not_after = a->tls_ctx_->not_after();
    }
    if (!a->cfg_.web.disable_exporter_metrics) add_security_metrics(snap, sec);
  }

  static void refresh(Agent* a, CollectTrigger why) {
    ++a->collections_[static_cast<size_t>(why)];
    a->collection_.refresh(a->cfg_, self_hook, a);
    a->ingest_.on_refresh(a->collection_.snapshot());
    a->export_.on_refresh(a->collection_.snapshot());
    a->groups_.on_refresh(a->collection_.snapshot());
    a->cache_.bump();
    a->refreshed_ns_ = monotonic_ns();
  }

  // (Re)arms the interval timer to fire after first_ms, then every interval.
  static void arm_poll(Agent* a, uint64_t first_ms) {
    uint64_t interval = a->cfg_.collect.interval_ms;
    a->poll_due_ns_ = uv_hrtime() + first_ms * 1000000;
    uv_timer_start(&a->poll_timer_, poll_cb, first_ms, interval);
  }

  // Loop lag is how late the interval timer fires: a callback that held the
  // loop delays it. The timer the agent needs anyway measures it, so the
  // idle loop wakes only to collect (no probe timer of its own).
  static void poll_cb(uv_timer_t* t) {
    Agent* a = of(reinterpret_cast<uv_handle_t*>(t));
    uint64_t now = uv_hrtime();
    a->lag_s_ = now > a->poll_due_ns_ ? static_cast<double>(now - a->poll_due_ns_) / 1e9 : 0;
    a->poll_due_ns_ = now + a->cfg_.collect.interval_ms * 1000000;
    refresh(a, CollectTrigger::Timer);
  }

  static HealthCheck store_check(const void* ctx) { return static_cast<const IngestPipeline*>(ctx)->health(); }

  static HealthCheck export_check(const void* ctx) { return static_cast<const ExportWiring*>(ctx)->health(); }

  static HealthCheck tls_check(const void* ctx) {
    const Agent* a = static_cast<const Agent*>(ctx);
    return check_tls_certificate(a->tls_ctx_->not_before(), a->tls_ctx_->not_after(),
                                 static_cast<int64_t>(realtime_ns() / 1000000000));
  }

  // ---- signals, reload, shutdown ----

  static void reload(Agent* a) {
    static Config next;
    static ConfigErrors errors;
    errors.clear();
    load_config(a->args_, a->argc_, a->argv_, a->envp_, next, errors);
    if (!errors.empty()) return log_config_errors(errors);
    log_config_warnings(errors);
    ExportWiring::keep_targets(a->cfg_, next);
    AutoscaleGroupsWiring::keep_groups(a->cfg_, next);
    const KeySpec* kept[kMaxKeptListed];
    size_t nkept = keep_restart_values(a->cfg_, next, kept, kMaxKeptListed);
    for (size_t i = 0; i < nkept && i < kMaxKeptListed; ++i) {
      char name[128];
      std::snprintf(name, sizeof name, "[%.*s] %.*s", int(kept[i]->section.size()), kept[i]->section.data(),
                    int(kept[i]->key.size()), kept[i]->key.data());
      log_warn("config change requires restart, keeping the running value", {{"key", std::string_view(name)}});
    }
    if (nkept > kMaxKeptListed)
      log_warn("more config changes require restart", {{"unlisted", nkept - kMaxKeptListed}});
    // Access lists and credentials: parsed before anything changes (the
    // loader validated them, so this fails only on a bug).
    static http::AccessPolicy access;
    errors.clear();
    if (!access.configure(next, errors)) return log_config_errors(errors);
    // The certificate and key: a bad new pair keeps the old one, and says why.
    if (a->tls_ctx_) {
      http::TlsError why;
      const char* key = "listen_address";
      http::TlsContext* ctx = http::TlsContext::load(http::tls_settings(next), &why, &key);
      if (!ctx) {
        KeyWhere w = key_where(next, "tls", key);
        log_error("TLS reload failed, keeping the running certificate and key",
                  {{"key", key}, {"where", w.view()}, {"err", why.view()}});
      } else {
        a->server_.set_tls_context(ctx);
        a->tls_ctx_->unref();
        a->tls_ctx_ = ctx;
        log_tls(ctx, "TLS certificate loaded");
      }
    }
    uint64_t old_interval = a->cfg_.collect.interval_ms;
    a->cfg_ = next;
    Config& c = a->cfg_;
    a->access_.adopt(access);
    log_configure(static_cast<LogLevel>(c.log.level), static_cast<LogFormat>(c.log.format));
    a->collection_.reconfigure(c);
    a->host_.set_telemetry_path(a->router_);
    a->server_.set_timeouts(c.web.header_timeout_ms, c.web.idle_timeout_ms);
    if (c.collect.interval_ms != old_interval) arm_poll(a, c.collect.interval_ms);
    refresh(a, CollectTrigger::Reload);  // new collectors and filters show at once
    log_info("config reloaded", {{"source", c.source.view()}});
  }

  static void closed_cb(uv_handle_t*) {}

  static void server_done(void* ctx) {
    Agent* a = static_cast<Agent*>(ctx);
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&a->poll_timer_), reinterpret_cast<uv_handle_t*>(&a->sigterm_),
                           reinterpret_cast<uv_handle_t*>(&a->sigint_), reinterpret_cast<uv_handle_t*>(&a->sighup_)})
      if (!uv_is_closing(h)) uv_close(h, closed_cb);
  }

  static void signal_cb(uv_signal_t* s, int signum) {
    Agent* a = of(reinterpret_cast<uv_handle_t*>(s));
    if (signum == SIGHUP) {
      if (!a->stopping_) reload(a);
      return;
    }
    if (a->stopping_) return;
    a->stopping_ = true;
    a->statsd_.close();
    a->export_.close_handles();
    a->groups_.close_handles();
    a->ingest_.close_handles();
    a->autoscale_.close();
    log_info("stopping", {{"signal", signum == SIGTERM ? "SIGTERM" : "SIGINT"},
                          {"connections", a->server_.open_connections()}});
    uv_timer_stop(&a->poll_timer_);
    a->server_.shutdown(a->cfg_.agent.shutdown_timeout_ms, server_done, a);
  }

  // Everything sized from the config is reserved here, before `started`.
  static bool reserve(Agent* a, http::ServerOptions& so) {
    const Config& c = a->cfg_;
    so.max_connections = static_cast<uint32_t>(c.web.max_connections);
    so.header_timeout_ms = c.web.header_timeout_ms;
    so.idle_timeout_ms = c.web.idle_timeout_ms;
    so.max_body_bytes = c.web.max_body_bytes;
    so.max_tls_connections = c.tls.listen_address.empty() ? 0 : static_cast<uint32_t>(c.tls.max_connections);
    so.handshake_timeout_ms = c.tls.handshake_timeout_ms;
    if (!a->collection_.init(c) ||
        !a->pool_.init(static_cast<uint32_t>(c.limits.render_buffers), c.limits.render_buffer_bytes) ||
        !a->server_.init(&a->loop_, so, &a->router_, &a->pool_)) {
      log_error("cannot reserve memory for the configured limits");
      return false;
    }
    a->cache_.init(&a->pool_, &a->collection_.snapshot());
    int lxc = find_collector("lxc");
    bool lxc_on = lxc >= 0 && ((a->collection_.enabled_mask() >> lxc) & 1);
    if (!a->export_.init(c, &a->loop_) || !a->autoscale_.init(c, lxc_on, &a->loop_)) return false;
    // One mailbox to the writer thread: the exporter's, else the
    // autoscaler's own, else the scaling groups' own.
    store::JobMailbox* jobs = a->export_.jobs();
    if (a->autoscale_.needs_jobs()) {
      if (!jobs) jobs = a->autoscale_.make_own_jobs(&a->loop_);
      if (!jobs) return false;
      a->autoscale_.set_jobs(jobs);
      if (!a->autoscale_.open_audit()) return false;
    }
    // One audit file, one token sequence: the groups write through the
    // vertical autoscaler's when it has one open.
    if (!a->groups_.init(c, &a->loop_, jobs, a->autoscale_.audit())) return false;
    a->autoscale_.set_api_extra(AutoscaleGroupsWiring::render_json_cb, &a->groups_);
    if (!jobs) jobs = a->groups_.own_jobs();
    if (!a->ingest_.init(c, jobs, &a->loop_, lxc_on) ||
        !a->ingest_api_.init_acks(&a->loop_, c) || !a->statsd_.init(c, &a->loop_))
      return false;
    if (a->export_.enabled()) a->health_.add_check(export_check, &a->export_);
    if (!a->host_.add_routes(a->router_) || !a->health_.add_routes(a->router_) ||
        !a->ingest_api_.add_routes(a->router_) || !a->web_.add_routes(a->router_) ||
        !a->autoscale_.add_routes(a->router_, a->pool_))
      return false;
    a->server_.set_reply_filter(WebHandlers::reply_filter, &a->web_);
    a->health_.add_check(store_check, &a->ingest_);
    static ConfigErrors errs;
    if (!a->access_.init(c) || !a->access_.configure(c, errs)) {
      for (const auto& e : errs.items) log_error("config error", {{"err", e.view()}});
      log_error("cannot set up access control");
      return false;
    }
    a->server_.set_access(&a->access_);
    if (!c.tls.listen_address.empty()) {
      http::TlsError why;
      const char* key = "listen_address";
      a->tls_ctx_ = http::TlsContext::load(http::tls_settings(c), &why, &key);
      if (!a->tls_ctx_) {
        KeyWhere w = key_where(c, "tls", key);
        log_error("cannot set up TLS", {{"key", key}, {"where", w.view()}, {"err", why.view()}});
        return false;
      }
      a->server_.set_tls_context(a->tls_ctx_);
      a->health_.add_check(tls_check, a);
      log_tls(a->tls_ctx_, "TLS certificate loaded");
    }
    return true;
  }

  static void start_handles(Agent* a) {
    uv_timer_init(&a->loop_, &a->poll_timer_);
    a->poll_timer_.data = a;
    for (uv_signal_t* s : {&a->sigterm_, &a->sigint_, &a->sighup_}) {
      uv_signal_init(&a->loop_, s);
      s->data = a;
    }
    uv_signal_start(&a->sigterm_, signal_cb, SIGTERM);
    uv_signal_start(&a->sigint_, signal_cb, SIGINT);
    uv_signal_start(&a->sighup_, signal_cb, SIGHUP);
  }
};

void Agent::ensure_fresh(void* self) {
  Agent* a = static_cast<Agent*>(self);
  int64_t age_ns = monotonic_ns() - a->refreshed_ns_;
  if (age_ns <= static_cast<int64_t>(a->cfg_.collect.scrape_max_age_ms) * 1000000) return;
  Impl::refresh(a, CollectTrigger::Scrape);
  // One collection per interval whatever triggers it: the background
  // collection moves to half an interval past the next one, so a scraper
  // that arrives about every interval (Prometheus' jitter, a slower
  // scrape_interval up to 1.5x ours) keeps it from ever firing, and when
  // scrapes stop the timer takes over within 1.5 intervals.
  uint64_t interval = a->cfg_.collect.interval_ms;
  Impl::arm_poll(a, interval + interval / 2);
}

int Agent::run() {
  using I = Impl;
  if (!lock_.acquire(cfg_.agent.runtime_dir.view())) return 1;
  std::signal(SIGPIPE, SIG_IGN);  // a peer closing mid-write is an error code, not a signal
  if (int rc = uv_loop_init(&loop_); rc != 0) {
    log_error("cannot create the event loop", {{"err", uv_strerror(rc)}});
    return 1;
  }
  http::ServerOptions so;
  if (!I::reserve(this, so)) return 1;
  if (!server_.listen(cfg_.web.listen_address)) return 1;
  if (!cfg_.tls.listen_address.empty() && !server_.listen(cfg_.tls.listen_address, true)) return 1;
  prime_fd_table(&loop_, so.max_connections);
  I::start_handles(this);

  start_time_s_ = process_start_time_seconds();
  I::refresh(this, CollectTrigger::Timer);  // the first, at start
  I::arm_poll(this, cfg_.collect.interval_ms);

  statsd_.log_listening(cfg_);
  if (!ingest_.start()) return 1;
  groups_.start();
  log_info("started", {{"listen", server_.listen_summary()},
                       {"reserved_bytes", reserved_bytes()},
                       {"pid", static_cast<int64_t>(getpid())},
                       {"config", cfg_.source.view()}});
  uv_run(&loop_, UV_RUN_DEFAULT);
  // Every producer has stopped: the writer flushes the ring, within the
  // shutdown deadline again (at least a second).
  uint64_t flush_ms = cfg_.agent.shutdown_timeout_ms > 1000 ? cfg_.agent.shutdown_timeout_ms : 1000;
  ingest_.stop(monotonic_ns() + static_cast<int64_t>(flush_ms) * 1000000);
  // The writer has stopped calling the durable hook: its handles can close.
  ingest_api_.close();
  uv_run(&loop_, UV_RUN_DEFAULT);
  int rc = uv_loop_close(&loop_);
  if (rc != 0) log_warn("event loop closed with handles open", {{"err", uv_strerror(rc)}});
  log_info("stopped");
  return 0;
}

}  // namespace edgestat

#include "app/agent.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "app/security_metrics.hpp"
#include "app/self_metrics.hpp"
#include "collect/fs.hpp"
#include "collect/host/meminfo_parse.hpp"
#include "collect/registry.hpp"
#include "config/schema.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "core/scan.hpp"
#include "health/cert_expiry.hpp"
#include "health/health.hpp"
#include "http/negotiate.hpp"
#include "http/query.hpp"
#include "metrics/render.hpp"

namespace edgestat {
namespace {

// How often the loop-lag probe runs; lag is how late it fires.
constexpr uint64_t kLagProbeMs = 500;
// Rendered-body cache keys: generation * kKeyFormats + format.
constexpr uint64_t kKeyFormats = 4;
constexpr uint64_t kFormatJson = 2;
// collect[]/exclude[] names one request may list (there are fewer collectors).
constexpr size_t kMaxFilterNames = 64;

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kJson = "application/json";

// Keys whose new value needs a restart: they size memory reserved at start,
// bind sockets, or name the lock. A reload logs them and keeps the old value.
constexpr std::string_view kRestartKeys[] = {
    "web.listen_address",    "web.max_connections",     "web.max_body_bytes", "limits.max_families",
    "limits.max_samples",    "limits.snapshot_arena_bytes", "limits.render_buffer_bytes", "limits.render_buffers",
    "collect.read_buffer_bytes", "agent.runtime_dir",
    "tls.listen_address", "tls.max_connections", "access.rate_limit_clients",
    "ingest.statsd_listen_address", "ingest.statsd_socket", "ingest.statsd_receive_buffer_bytes",
    "ingest.max_series", "ingest.statsd_max_series", "ingest.window", "ingest.duration_buckets",
    "store.enabled", "store.ring_slots", "store.record_bytes", "store.max_batch", "store.flush_interval",
    "store.max_files", "store.max_bytes", "store.max_age", "history.series", "history.depth",
    "collector.lxc.max_containers",
};

bool needs_restart(const KeySpec& k) {
  for (std::string_view r : kRestartKeys) {
    size_t dot = r.rfind('.');  // sections may contain dots: collector.lxc
    if (r.substr(0, dot) == k.section && r.substr(dot + 1) == k.key) return true;
  }
  return false;
}

bool same_value(const KeySpec& k, Config& a, Config& b) {
  void* fa = k.field(a);
  void* fb = k.field(b);
  switch (k.kind) {
    case KeyKind::Uint:
    case KeyKind::Duration:
    case KeyKind::Bytes: return *static_cast<uint64_t*>(fa) == *static_cast<uint64_t*>(fb);
    case KeyKind::String: return static_cast<ConfigString*>(fa)->view() == static_cast<ConfigString*>(fb)->view();
    case KeyKind::List: {
      auto& la = *static_cast<ConfigList*>(fa);
      auto& lb = *static_cast<ConfigList*>(fb);
      if (la.size() != lb.size()) return false;
      for (size_t i = 0; i < la.size(); ++i)
        if (la[i].view() != lb[i].view()) return false;
      return true;
    }
    default: return true;  // no restart key has another kind
  }
}

void copy_value(const KeySpec& k, Config& from, Config& to) {
  void* f = k.field(from);
  void* t = k.field(to);
  switch (k.kind) {
    case KeyKind::Uint:
    case KeyKind::Duration:
    case KeyKind::Bytes: *static_cast<uint64_t*>(t) = *static_cast<uint64_t*>(f); break;
    case KeyKind::String: *static_cast<ConfigString*>(t) = *static_cast<ConfigString*>(f); break;
    case KeyKind::List: *static_cast<ConfigList*>(t) = *static_cast<ConfigList*>(f); break;
    default: break;
  }
}

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

}  // namespace

struct Agent::Impl {
  static Agent* of(uv_handle_t* h) { return static_cast<Agent*>(h->data); }

  // ---- collection ----

  static void self_hook(Snapshot& snap, void* ctx) {
    Agent* a = static_cast<Agent*>(ctx);
    SelfInputs in;
    in.http = &a->server_.stats();
    in.connections = a->server_.open_connections();
    in.collect_duration_s = a->collection_.last_duration_seconds();
    in.loop_lag_s = a->lag_s_;
    in.start_time_s = a->start_time_s_;
    in.stale_bodies_total = a->stale_total_;
    in.render_overflow_total = a->overflow_total_;
    add_self_metrics(snap, in);
    a->ingest_.add_metrics(snap);
    SecurityInputs sec;
    sec.access = &a->access_;
    if (a->tls_ctx_) {
      sec.tls = &a->server_.tls_stats();
      sec.tls_max_connections = static_cast<uint32_t>(a->cfg_.tls.max_connections);
      sec.cert_not_after = a->tls_ctx_->not_after();
    }
    add_security_metrics(snap, sec);
  }

  static void refresh(Agent* a) {
    a->collection_.refresh(a->cfg_, self_hook, a);
    a->ingest_.on_refresh(a->collection_.snapshot());
    ++a->generation_;
    a->refreshed_ns_ = monotonic_ns();
  }

  static void ensure_fresh(Agent* a) {
    int64_t age_ns = monotonic_ns() - a->refreshed_ns_;
    if (age_ns > static_cast<int64_t>(a->cfg_.collect.scrape_max_age_ms) * 1000000) refresh(a);
  }

  static void poll_cb(uv_timer_t* t) {
    Agent* a = of(reinterpret_cast<uv_handle_t*>(t));
    // A scrape refreshed recently: this tick would only repeat it.
    int64_t age_ns = monotonic_ns() - a->refreshed_ns_;
    if (age_ns < static_cast<int64_t>(a->cfg_.collect.interval_ms) * 500000) return;
    refresh(a);
  }

  static void lag_cb(uv_timer_t* t) {
    Agent* a = of(reinterpret_cast<uv_handle_t*>(t));
    uint64_t now = uv_hrtime();
    uint64_t expected = a->lag_last_ns_ + kLagProbeMs * 1000000;
    a->lag_s_ = now > expected ? static_cast<double>(now - expected) / 1e9 : 0;
    a->lag_last_ns_ = now;
  }

  // ---- rendering ----

  // A pinned body-pool slot holding the rendering for (format, mask), or
  // kNone with reply set to the error.
  static int rendered(Agent* a, uint64_t fmt, uint64_t mask, bool cacheable, http::Reply& reply) {
    http::BodyPool& pool = a->pool_;
    uint64_t key = a->generation_ * kKeyFormats + fmt;
    int slot = cacheable ? pool.lookup(key) : http::BodyPool::kNone;
    if (slot == http::BodyPool::kNone) {
      slot = pool.take();
      if (slot == http::BodyPool::kNone) {
        // Every buffer is pinned by a slow reader: serve the newest body
        // of this format rather than corrupt one being sent.
        slot = cacheable ? pool.newest(kKeyFormats - 1, fmt) : http::BodyPool::kNone;
        if (slot == http::BodyPool::kNone) {
          reply.status = 503;
          reply.content_type = kTextPlain;
          reply.body = "Every render buffer is in use by slow clients, try again later.\n";
          return slot;
        }
        ++a->stale_total_;
      } else {
        OutBuffer out(pool.data(slot), pool.slot_bytes());
        if (fmt == kFormatJson) {
          render_json(a->collection_.snapshot(), mask, out);
        } else {
          render_exposition(a->collection_.snapshot(),
                            fmt == 1 ? ExpositionFormat::OpenMetrics100 : ExpositionFormat::Text004, mask, out);
        }
        if (out.overflowed()) {
          ++a->overflow_total_;
          log_error("rendered body exceeds [limits] render_buffer_bytes",
                    {{"render_buffer_bytes", pool.slot_bytes()}});
          reply.status = 500;
          reply.content_type = kTextPlain;
          reply.body = "The rendered body exceeds [limits] render_buffer_bytes; raise it.\n";
          return http::BodyPool::kNone;
        }
        if (cacheable) pool.publish(slot, key, out.size());
        else pool.set_uncached(slot, out.size());
      }
    }
    pool.pin(slot);
    reply.body = pool.body(slot);
    reply.body_slot = slot;
    return slot;
  }

  static void bad_request(http::Exchange& ex, std::string_view a, std::string_view b = {}) {
    OutBuffer out(ex.small, ex.small_cap);
    out.put(a);
    out.put(b.substr(0, 200));
    out.put('\n');
    ex.reply.status = 400;
    ex.reply.content_type = kTextPlain;
    ex.reply.body = out.view();
  }

  // node_exporter's collect[]/exclude[]: a mask of collector ids, or false
  // with a 400 written (unknown or disabled collector, bad escape).
  static bool filter_mask(Agent* a, http::Exchange& ex, uint64_t* mask, bool* filtered) {
    *mask = kAllCollectors;
    *filtered = false;
    if (ex.query.empty()) return true;
    char storage[http::kMaxTargetBytes];
    std::string_view names[kMaxFilterNames];
    for (int pass = 0; pass < 2; ++pass) {
      std::string_view key = pass == 0 ? "collect[]" : "exclude[]";
      size_t n = kMaxFilterNames;
      http::QueryError qe = http::collect_values(ex.query, key, names, &n, storage, sizeof storage);
      if (qe != http::QueryError::None) {
        bad_request(ex, "Couldn't parse the query string: ", key);
        return false;
      }
      if (n == 0) continue;
      if (*filtered) {
        bad_request(ex, "collect[] and exclude[] cannot be used together");
        return false;
      }
      uint64_t named = 0;
      for (size_t i = 0; i < n; ++i) {
        int id = find_collector(names[i]);
        if (id < 0) {
          bad_request(ex, "Couldn't create filtered metrics handler: missing collector: ", names[i]);
          return false;
        }
        if (!((a->collection_.enabled_mask() >> id) & 1)) {
          bad_request(ex, "Couldn't create filtered metrics handler: disabled collector: ", names[i]);
          return false;
        }
        named |= uint64_t{1} << id;
      }
      *mask = pass == 0 ? named : ~named;
      *filtered = true;
    }
    return true;
  }

  // ---- handlers ----

  static void handle_metrics(void* ctx, http::Exchange& ex) {
    Agent* a = static_cast<Agent*>(ctx);
    uint64_t limit = a->cfg_.web.max_requests;
    if (limit > 0 && a->server_.in_flight(http::HandlerId::Metrics) >= limit) {
      // node_exporter's exact words, so alerts keyed on them keep working.
      OutBuffer out(ex.small, ex.small_cap);
      out.put("Limit of concurrent requests reached (");
      out.put_u64(limit);
      out.put("), try again later.\n");
      ex.reply.status = 503;
      ex.reply.content_type = kTextPlain;
      ex.reply.body = out.view();
      return;
    }
    uint64_t mask = 0;
    bool filtered = false;
    if (!filter_mask(a, ex, &mask, &filtered)) return;
    ensure_fresh(a);
    http::Format f = http::negotiate_format(*ex.req);
    if (rendered(a, f == http::Format::OpenMetrics100 ? 1 : 0, mask, !filtered, ex.reply) == http::BodyPool::kNone)
      return;
    ex.reply.content_type = http::content_type(f);
  }

  static void handle_snapshot(void* ctx, http::Exchange& ex) {
    Agent* a = static_cast<Agent*>(ctx);
    ensure_fresh(a);
    if (rendered(a, kFormatJson, kAllCollectors, true, ex.reply) == http::BodyPool::kNone) return;
    ex.reply.content_type = kJson;
  }

  static MemoryInput read_memory(const Config& c) {
    MemoryInput m;
    PathBuf path;
    char buf[8192];
    size_t n = 0;
    if (!join_path(path, {c.path.procfs.view(), "/meminfo"}) || !read_file(path.c_str(), buf, sizeof buf, &n))
      return m;
    Scanner lines(std::string_view(buf, n));
    bool have_total = false, have_avail = false;
    while (!lines.at_end()) {
      MeminfoEntry e;
      if (!parse_meminfo_line(lines.line(), &e)) continue;
      if (e.key == "MemTotal_bytes") {
        m.total_bytes = static_cast<uint64_t>(e.value);
        have_total = true;
      } else if (e.key == "MemAvailable_bytes") {
        m.available_bytes = static_cast<uint64_t>(e.value);
        have_avail = true;
      }
    }
    m.known = have_total && have_avail;
    return m;
  }

  static void handle_health(void* ctx, http::Exchange& ex) {
    Agent* a = static_cast<Agent*>(ctx);
    const Config& c = a->cfg_;
    HealthThresholds t;
    t.disk_free_degraded_percent = c.health.disk_free_degraded_percent;
    t.disk_free_critical_percent = c.health.disk_free_critical_percent;
    t.memory_available_degraded_percent = c.health.memory_available_degraded_percent;
    t.memory_available_critical_percent = c.health.memory_available_critical_percent;
    t.loop_lag_degraded_ms = c.health.loop_lag_degraded_ms;
    t.loop_lag_unhealthy_ms = c.health.loop_lag_unhealthy_ms;

    CollectorResult results[kMaxCollectorIds];
    size_t n = 0;
    auto descs = collectors();
    for (size_t i = 0; i < descs.size(); ++i) {
      if (!((a->collection_.enabled_mask() >> i) & 1)) continue;
      CollectorOutcome o = collector_outcome(i);
      if (o == CollectorOutcome::NotRun) continue;
      results[n++] = {descs[i].name, o == CollectorOutcome::Ok            ? CollectorHealth::Ok
                                     : o == CollectorOutcome::Unsupported ? CollectorHealth::Unsupported
                                                                          : CollectorHealth::Failed};
    }
    DiskInput d;
    d.path = c.agent.data_dir.view();
    struct statfs sf;
    if (statfs(c.agent.data_dir.c_str(), &sf) != 0) {
      d.err = errno;
    } else {
      uint64_t bs = sf.f_frsize ? static_cast<uint64_t>(sf.f_frsize) : static_cast<uint64_t>(sf.f_bsize);
      d.avail_bytes = static_cast<uint64_t>(sf.f_bavail) * bs;
      d.total_bytes = static_cast<uint64_t>(sf.f_blocks) * bs;
    }
    HealthReport r;
    r.add(check_collectors({results, n}));
    r.add(check_disk_free(d, t));
    r.add(check_memory(read_memory(c), t));
    r.add(check_loop_lag(a->lag_s_, t));
    r.add(a->ingest_.health());
    if (a->tls_ctx_)
      r.add(check_tls_certificate(a->tls_ctx_->not_before(), a->tls_ctx_->not_after(),
                                  static_cast<int64_t>(realtime_ns() / 1000000000)));
    OutBuffer out(ex.small, ex.small_cap);
    render_health_json(r, out);
    ex.reply.status = health_http_status(r.overall);
    ex.reply.content_type = kJson;
    ex.reply.body = out.view();
    if (out.overflowed()) {
      ex.reply.status = 500;
      ex.reply.content_type = kTextPlain;
      ex.reply.body = "health report too large\n";
    }
  }

  static void handle_live(void*, http::Exchange& ex) {
    // Answered at all means the loop turns.
    ex.reply.content_type = kTextPlain;
    ex.reply.body = "ok\n";
  }

  static void handle_index(void* ctx, http::Exchange& ex) {
    Agent* a = static_cast<Agent*>(ctx);
    OutBuffer out(ex.small, ex.small_cap);
    std::string_view tp = a->cfg_.web.telemetry_path.view();
    out.put(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>edgestat</title></head>\n"
        "<body><h1>edgestat " EDGESTAT_VERSION "</h1>\n<ul>\n<li><a href=\"");
    out.put(tp);
    out.put("\">");
    out.put(tp);
    out.put(
        "</a>: metrics (Prometheus text 0.0.4 or OpenMetrics 1.0)</li>\n"
        "<li><a href=\"/health\">/health</a>: health checks (JSON)</li>\n"
        "<li><a href=\"/health/live\">/health/live</a>: liveness</li>\n"
        "<li><a href=\"/api/v1/snapshot\">/api/v1/snapshot</a>: the current snapshot (JSON)</li>\n"
        "</ul></body></html>\n");
    ex.reply.content_type = "text/html; charset=utf-8";
    ex.reply.body = out.view();
  }

  // ---- signals, reload, shutdown ----

  static void reload(Agent* a) {
    static Config next;
    static ConfigErrors errors;
    errors.items.clear();
    errors.unlisted = 0;
    load_config(a->args_, a->argc_, a->argv_, a->envp_, next, errors);
    if (!errors.empty()) {
      log_error("config reload failed, keeping the running config",
                {{"errors", errors.items.size() + errors.unlisted}});
      for (const auto& e : errors.items) log_error("config error", {{"err", e.view()}});
      return;
    }
    for (const KeySpec& k : config_keys()) {
      if (!needs_restart(k) || same_value(k, a->cfg_, next)) continue;
      char name[128];
      std::snprintf(name, sizeof name, "[%.*s] %.*s", int(k.section.size()), k.section.data(), int(k.key.size()),
                    k.key.data());
      log_warn("config change requires restart, keeping the running value", {{"key", std::string_view(name)}});
      copy_value(k, a->cfg_, next);
    }
    // Access lists and credentials: parsed before anything changes (the
    // loader validated them, so this fails only on a bug).
    static http::AccessPolicy access;
    static ConfigErrors aerr;
    aerr.items.clear();
    aerr.unlisted = 0;
    if (!access.configure(next, aerr)) {
      log_error("config reload failed, keeping the running config", {{"errors", aerr.items.size()}});
      for (const auto& e : aerr.items) log_error("config error", {{"err", e.view()}});
      return;
    }
    // The certificate and key: a bad new pair keeps the old one, and says why.
    if (a->tls_ctx_) {
      http::TlsError why;
      http::TlsContext* ctx = http::TlsContext::load(http::tls_settings(next), &why);
      if (!ctx) {
        log_error("TLS reload failed, keeping the running certificate and key", {{"err", why.view()}});
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
    a->router_.set_path(http::HandlerId::Metrics, c.web.telemetry_path.view());
    a->server_.set_timeouts(c.web.header_timeout_ms, c.web.idle_timeout_ms);
    if (c.collect.interval_ms != old_interval)
      uv_timer_start(&a->poll_timer_, poll_cb, c.collect.interval_ms, c.collect.interval_ms);
    refresh(a);  // new collectors and filters show at once
    log_info("config reloaded", {{"source", c.source.view()}});
  }

  static void log_tls(const http::TlsContext* ctx, std::string_view msg) {
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

  static void closed_cb(uv_handle_t*) {}

  static void server_done(void* ctx) {
    Agent* a = static_cast<Agent*>(ctx);
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&a->poll_timer_), reinterpret_cast<uv_handle_t*>(&a->lag_timer_),
                           reinterpret_cast<uv_handle_t*>(&a->sigterm_), reinterpret_cast<uv_handle_t*>(&a->sigint_),
                           reinterpret_cast<uv_handle_t*>(&a->sighup_)})
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
    a->ingest_.close_handles();
    log_info("stopping", {{"signal", signum == SIGTERM ? "SIGTERM" : "SIGINT"},
                          {"connections", a->server_.open_connections()}});
    uv_timer_stop(&a->poll_timer_);
    uv_timer_stop(&a->lag_timer_);
    a->server_.shutdown(a->cfg_.agent.shutdown_timeout_ms, server_done, a);
  }
};

int Agent::run() {
  // ---- single instance ----
  // flock on a pid file: the lock, not the file, is the truth (a stale file
  // from a crash is simply locked again), and the file is never unlinked,
  // so two instances can never hold locks on two different inodes.
  const char* dir = cfg_.agent.runtime_dir.c_str();
  if (::mkdir(dir, 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "edgestat: cannot create runtime directory %s: %s\n", dir, std::strerror(errno));
    return 1;
  }
  PathBuf lock_path;
  if (!join_path(lock_path, {cfg_.agent.runtime_dir.view(), "/edgestat.pid"})) {
    std::fprintf(stderr, "edgestat: runtime directory path too long\n");
    return 1;
  }
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    std::fprintf(stderr, "edgestat: cannot open lock %s: %s\n", lock_path.c_str(), std::strerror(errno));
    return 1;
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    if (e == EWOULDBLOCK) {
      char buf[32] = {};
      ssize_t r = ::pread(lock_fd_, buf, sizeof buf - 1, 0);
      auto pid = parse_u64(trim(std::string_view(buf, r > 0 ? static_cast<size_t>(r) : 0)));
      std::fprintf(stderr, "edgestat: another instance is running (pid %llu, lock %s)\n",
                   static_cast<unsigned long long>(pid ? *pid : 0), lock_path.c_str());
    } else {
      std::fprintf(stderr, "edgestat: cannot lock %s: %s\n", lock_path.c_str(), std::strerror(e));
    }
    return 1;
  }
  {
    char pid[24];
    int n = std::snprintf(pid, sizeof pid, "%ld\n", static_cast<long>(getpid()));
    if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, pid, static_cast<size_t>(n), 0) != n)
      log_warn("cannot write pid file", {{"path", lock_path.view()}});
  }

  // ---- reserve everything ----
  std::signal(SIGPIPE, SIG_IGN);  // a peer closing mid-write is an error code, not a signal
  if (int rc = uv_loop_init(&loop_); rc != 0) {
    log_error("cannot create the event loop", {{"err", uv_strerror(rc)}});
    return 1;
  }
  http::ServerOptions so;
  so.max_connections = static_cast<uint32_t>(cfg_.web.max_connections);
  so.header_timeout_ms = cfg_.web.header_timeout_ms;
  so.idle_timeout_ms = cfg_.web.idle_timeout_ms;
  so.max_body_bytes = cfg_.web.max_body_bytes;
  so.max_tls_connections = cfg_.tls.listen_address.empty() ? 0 : static_cast<uint32_t>(cfg_.tls.max_connections);
  so.handshake_timeout_ms = cfg_.tls.handshake_timeout_ms;
  if (!collection_.init(cfg_) ||
      !pool_.init(static_cast<uint32_t>(cfg_.limits.render_buffers), cfg_.limits.render_buffer_bytes) ||
      !server_.init(&loop_, so, &router_, &pool_)) {
    log_error("cannot reserve memory for the configured limits");
    return 1;
  }
  using I = Impl;
  router_.add(cfg_.web.telemetry_path.view(), http::kMethodGet | http::kMethodHead, http::HandlerId::Metrics,
              I::handle_metrics, this);
  router_.add("/health", http::kMethodGet | http::kMethodHead, http::HandlerId::Health, I::handle_health, this);
  router_.add("/health/live", http::kMethodGet | http::kMethodHead, http::HandlerId::Live, I::handle_live, this);
  router_.add("/api/v1/snapshot", http::kMethodGet | http::kMethodHead, http::HandlerId::Snapshot,
              I::handle_snapshot, this);
  router_.add("/", http::kMethodGet | http::kMethodHead, http::HandlerId::Index, I::handle_index, this);
  if (!ingest_.init(cfg_, &loop_, router_, pool_)) return 1;
  {
    static ConfigErrors errs;
    if (!access_.init(cfg_) || !access_.configure(cfg_, errs)) {
      for (const auto& e : errs.items) log_error("config error", {{"err", e.view()}});
      log_error("cannot set up access control");
      return 1;
    }
  }
  server_.set_access(&access_);
  if (!cfg_.tls.listen_address.empty()) {
    http::TlsError why;
    tls_ctx_ = http::TlsContext::load(http::tls_settings(cfg_), &why);
    if (!tls_ctx_) {
      log_error("cannot set up TLS", {{"err", why.view()}});
      return 1;
    }
    server_.set_tls_context(tls_ctx_);
    I::log_tls(tls_ctx_, "TLS certificate loaded");
  }
  if (!server_.listen(cfg_.web.listen_address)) return 1;
  if (!cfg_.tls.listen_address.empty() && !server_.listen(cfg_.tls.listen_address, true)) return 1;
  prime_fd_table(&loop_, so.max_connections);

  uv_timer_init(&loop_, &poll_timer_);
  uv_timer_init(&loop_, &lag_timer_);
  poll_timer_.data = lag_timer_.data = this;
  uv_signal_init(&loop_, &sigterm_);
  uv_signal_init(&loop_, &sigint_);
  uv_signal_init(&loop_, &sighup_);
  sigterm_.data = sigint_.data = sighup_.data = this;
  uv_signal_start(&sigterm_, I::signal_cb, SIGTERM);
  uv_signal_start(&sigint_, I::signal_cb, SIGINT);
  uv_signal_start(&sighup_, I::signal_cb, SIGHUP);

  start_time_s_ = process_start_time_seconds();
  I::refresh(this);
  uv_timer_start(&poll_timer_, I::poll_cb, cfg_.collect.interval_ms, cfg_.collect.interval_ms);
  lag_last_ns_ = uv_hrtime();
  uv_timer_start(&lag_timer_, I::lag_cb, kLagProbeMs, kLagProbeMs);

  if (!ingest_.start()) return 1;
  log_info("started", {{"listen", server_.listen_summary()},
                       {"reserved_bytes", reserved_bytes()},
                       {"pid", static_cast<int64_t>(getpid())},
                       {"config", cfg_.source.view()}});
  uv_run(&loop_, UV_RUN_DEFAULT);
  // Every producer has stopped: the writer flushes the ring, within the
  // shutdown deadline again (at least a second).
  uint64_t flush_ms = cfg_.agent.shutdown_timeout_ms > 1000 ? cfg_.agent.shutdown_timeout_ms : 1000;
  ingest_.stop(monotonic_ns() + static_cast<int64_t>(flush_ms) * 1000000);
  int rc = uv_loop_close(&loop_);
  if (rc != 0) log_warn("event loop closed with handles open", {{"err", uv_strerror(rc)}});
  log_info("stopped");
  return 0;
}

}  // namespace edgestat

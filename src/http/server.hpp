#pragma once
// The HTTP/1.x server on libuv. Everything is reserved by init(): a pool of
// max_connections Connection objects (each embeds its uv_tcp_t, uv_timer_t,
// uv_write_t, uv_shutdown_t, a read buffer and a response-head buffer), so
// accepting, reading, answering and closing allocate nothing.
//
// Behaviour, each with its outcome (and counted in HttpStats):
// - Requests on a connection are answered in order, one at a time: the
//   next pipelined request is parsed only after the previous response's
//   write completed. Reading stops while the read buffer is full.
// - Head over kMaxHeadBytes or more than kMaxHeaders fields: 431; target
//   over kMaxTargetBytes: 414; other grammar errors 400; HTTP/2+ 505.
//   Each then closes (lingering: our side is shut down and input drained
//   briefly so the client reads the answer instead of a reset).
// - Body: Content-Length over max_body_bytes 413 + close; chunked 411 +
//   close; a body on a route that does not take one is read and dropped.
// - Unknown path 404; known path, other method 405 with Allow.
// - Connection cap: at max_connections the connection callback does not
//   call uv_accept, which makes libuv stop polling that listener (the
//   kernel backlog holds newcomers); the slot freed by the next close
//   accepts the waiting connection. With access control, one client holds
//   at most its per-client cap (access_policy.hpp), and at the cap an idle
//   or slow connection of the client holding the most, if it is at its
//   cap, is closed at once so the waiting newcomer is not kept out by it.
// - One timer per connection: header deadline from a request's first byte
//   (header_timeout; slowloris) closes and counts 408; idle keep-alive and
//   a client not reading its response close after idle_timeout.
// - shutdown(): listeners closed, idle and half-received connections
//   closed, in-flight responses finish (then close) until the deadline.
// - A handler may park its exchange (router.hpp, ParkTicket) and answer
//   later; the connection then buffers input without parsing it, counts the
//   exchange in flight, and closes (counted 503) if no answer comes within
//   idle_timeout. Parked exchanges finish during shutdown like writes do.
// - Access control (http/access_policy.hpp), when set: the peer address is
//   checked against [access] allow right after uv_accept, before any TLS
//   state, and a refused peer is closed and counted; each parsed request
//   goes through the rate limit (429), trusted hosts (400) and credentials
//   (401) before its handler; every response carries the security headers;
//   the access log gets one line per response.
// - HTTPS listeners (listen(..., tls=true)) run mbedTLS over the same
//   connection objects (http/tls_session.hpp): ciphertext is read into the
//   session's buffer, decrypted into the connection's read buffer, and
//   responses are encrypted in 4 KiB records written one buffer at a time.
//   TLS sessions come from their own pool ([tls] max_connections): at that
//   cap HTTPS listeners stop accepting exactly like at max_connections.
//   The handshake must finish within handshake_timeout; a failed handshake
//   or TLS error closes the connection on the next loop turn.
#include <uv.h>

#include <cstddef>
#include <cstdint>

#include "config/config.hpp"
#include "core/fixed_string.hpp"
#include "http/access_cidr.hpp"
#include "http/body_pool.hpp"
#include "http/http_stats.hpp"
#include "http/response.hpp"
#include "http/router.hpp"

namespace edgestat::http {

// Room for the status line and every header we send (~250 bytes today,
// plus an Allow line); a head that does not fit becomes a bare 500.
inline constexpr size_t kResponseHeadBytes = 1024;
// Bodies a handler writes itself (errors, /health, /health/live, the index
// page) fit here; larger ones use the body pool.
inline constexpr size_t kSmallBodyBytes = 2048;
// How long a connection we are closing after an error keeps draining input
// so the client reads our answer rather than a TCP reset.
inline constexpr uint64_t kLingerMs = 2000;
// listen(2) backlog: connections waiting while we are at the cap.
inline constexpr int kListenBacklog = 128;
// Listen addresses (a config list holds at most this many).
inline constexpr size_t kMaxListeners = kMaxListEntries;

struct ServerOptions {
  uint32_t max_connections = 64;
  uint64_t header_timeout_ms = 10000;
  uint64_t idle_timeout_ms = 60000;
  uint64_t max_body_bytes = 8192;
  uint32_t max_tls_connections = 0;  // TLS session pool ([tls] max_connections)
  uint64_t handshake_timeout_ms = 10000;
};

// TLS counters for /metrics (edgestat_tls_*).
struct TlsStats {
  uint64_t handshakes_ok = 0;
  uint64_t handshakes_failed = 0;   // alerts, bad client certificates, garbage
  uint64_t handshake_timeouts = 0;
  uint32_t open = 0;                // TLS sessions in use now
};

class AccessPolicy;
class TlsContext;
class TlsSession;
struct Connection;
struct Listener;

class Server {
 public:
  Server() = default;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Reserves the connection pool. router and pool outlive the server.
  bool init(uv_loop_t* loop, const ServerOptions& o, Router* router, BodyPool* pool);
  // Binds and listens on every address; logs the first failure and returns
  // false. ":port" is dual-stack [::] with IPV6_V6ONLY off, or 0.0.0.0 when
  // the host has no IPv6. tls: HTTPS listeners (set_tls_context first).
  bool listen(const ConfigList& addresses, bool tls = false);
  // Access control for every listener (null: none). Outlives the server.
  void set_access(AccessPolicy* a) { access_ = a; }
  // Called after every route's handler with its reply, before it is sent:
  // the app renders JSON as HTML for browsers there (app/web_handlers).
  using ReplyFilter = void (*)(void* ctx, Exchange& ex);
  void set_reply_filter(ReplyFilter fn, void* ctx) {
    filter_ = fn;
    filter_ctx_ = ctx;
  }
  // The TLS context new connections use (the server takes a reference and
  // drops the previous one; running connections keep theirs).
  void set_tls_context(TlsContext* ctx);
  const TlsStats& tls_stats() const { return tls_stats_; }
  // Addresses actually bound, for the `started` line: "[::]:9100,...".
  std::string_view listen_summary() const { return summary_.view(); }

  // Timeouts apply to the next timer armed (a reload).
  void set_timeouts(uint64_t header_ms, uint64_t idle_ms) {
    opt_.header_timeout_ms = header_ms;
    opt_.idle_timeout_ms = idle_ms;
  }
  // Graceful stop; done(ctx) runs once every connection and listener is
  // closed (at the latest deadline_ms later).
  void shutdown(uint64_t deadline_ms, void (*done)(void*), void* ctx);

  const HttpStats& stats() const { return stats_; }
  uint32_t open_connections() const { return open_; }
  // Responses being written now under a route label (router.hpp), for
  // [web] max_requests.
  uint32_t in_flight(uint8_t label) const { return in_flight_[label]; }
  // Of those, the ones being written to this client (client_key): a scan
  // of the pool, for handlers that share a limit between clients.
  uint32_t client_in_flight(const IpAddr& peer, uint8_t label) const;

  // Internal, for the libuv callbacks in server.cpp.
  struct Impl;
  friend struct Impl;

 private:
  uv_loop_t* loop_ = nullptr;
  ServerOptions opt_;
  Router* router_ = nullptr;
  BodyPool* pool_ = nullptr;
  Connection* conns_ = nullptr;
  char* bufs_ = nullptr;
  size_t buf_cap_ = 0;
  size_t bufs_bytes_ = 0;  // max_connections x buf_cap_, checked
  uint32_t* evict_order_ = nullptr;  // scratch for evict_one: max_connections indices
  Connection* free_ = nullptr;  // closed connections, ready for reuse
  // conns_[fresh_, max_connections) have never been used: their pages stay
  // untouched until the connection count reaches them.
  uint32_t fresh_ = 0;
  uint32_t open_ = 0;
  uint32_t in_flight_[kMaxRouteLabels] = {};
  Listener* listeners_ = nullptr;
  size_t nlisteners_ = 0;
  size_t listeners_open_ = 0;
  size_t next_listener_ = 0;
  HttpStats stats_;
  AccessPolicy* access_ = nullptr;
  ReplyFilter filter_ = nullptr;
  void* filter_ctx_ = nullptr;
  TlsContext* tls_ctx_ = nullptr;
  TlsSession* tls_pool_ = nullptr;     // max_tls_connections sessions
  TlsSession** tls_free_ = nullptr;    // stack of free sessions
  uint32_t tls_nfree_ = 0;
  TlsStats tls_stats_;
  uint64_t next_request_id_ = 0;
  FixedString<512> summary_;
  bool stopping_ = false;
  uv_timer_t stop_timer_;
  bool stop_timer_open_ = false;
  void (*done_)(void*) = nullptr;
  void* done_ctx_ = nullptr;
  int64_t date_sec_ = -1;
  char date_[kHttpDateBytes];
};

}  // namespace edgestat::http

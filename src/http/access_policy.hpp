#pragma once
// Access control as the server applies it, in this order:
//   1. after accept, before any per-connection state or TLS: the client
//      address must be in [access] allow, and the client must hold fewer
//      than max_connections_per_client connections (fewer than
//      tls_connections_per_client TLS ones on HTTPS listeners), else the
//      socket is closed and counted (peer_allowed; the server counts
//      connections). When the server is full, an idle or slow connection
//      of the client holding the most (at or over its cap) is closed so a
//      waiting newcomer gets its slot (counted as "evicted");
//   2. per request, once its head is parsed (check_request):
//        rate limit per client  -> 429 + Retry-After
//        Host in trusted_hosts  -> 400 (also for a missing or repeated Host)
//        credentials            -> 401 + WWW-Authenticate
//          (a Basic password the cache cannot decide runs PBKDF2 only
//          within the client's and the global budget, else 429 +
//          Retry-After: http/auth_budget.hpp)
//      /health/live (public_paths) skips 3 only; nothing skips 1 and 2;
//      ingest tokens count on ingest_paths for POST only (GET and HEAD
//      there need read credentials like every other read);
//   3. every response gets the security headers (security_headers) and,
//      when [access] log is on, one JSON access line (log_access).
//
// An AccessPolicy is built from a Config by configure(); a reload builds a
// new one and keeps the running one if the new config is bad. The rate
// limiter's table is reserved once (init) and survives reloads.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "config/errors.hpp"
#include "http/access_auth.hpp"
#include "http/access_cidr.hpp"
#include "http/access_rate.hpp"
#include "http/bcrypt_hook.hpp"
#include "http/auth_budget.hpp"
#include "http/request_parser.hpp"

namespace edgestat::http {

// Why a connection or request was refused: edgestat_http_refused_total{reason}.
enum class Refusal : uint8_t {
  Allowlist,
  ClientConnections,
  Evicted,  // an idle or slow connection closed to make room (not a refusal of a request)
  RateLimit,
  Host,
  AuthMissing,
  AuthInvalid,
  AuthBudget,  // a password check over its budget (http/auth_budget.hpp): 429
  Count
};
inline constexpr size_t kRefusalCount = static_cast<size_t>(Refusal::Count);
std::string_view refusal_name(Refusal r);

// Longest extra header block check_request writes (WWW-Authenticate lines
// or Retry-After).
inline constexpr size_t kAccessHeaderBytes = 160;
// Longest security header block (with HSTS).
inline constexpr size_t kSecurityHeaderBytes = 384;

struct AccessVerdict {
  int status = 0;                 // 0: serve the request; else answer this status
  std::string_view extra_headers; // complete CRLF lines for the refusal
  std::string_view body;          // static text for the refusal
  std::string_view user;          // Basic user name when authenticated (access log)
};

struct AccessStats {
  uint64_t refused[kRefusalCount] = {};
  void count(Refusal r) { ++refused[static_cast<size_t>(r)]; }
};

class AccessPolicy {
 public:
  // Reserves the rate limiter's table ([access] rate_limit_clients).
  bool init(const Config& c);
  // Parses the lists; false with every problem added to errors (the policy
  // is then unusable: callers configure a scratch policy first).
  bool configure(const Config& c, ConfigErrors& errors);
  // Takes the parsed lists and settings of other (a reload that passed).
  void adopt(const AccessPolicy& other);

  bool peer_allowed(const IpAddr& peer) const { return allow_.contains(peer); }
  // Connections one client (client_key) may hold open at once, and TLS
  // connections of those (never 0: see per_client_caps).
  uint32_t max_connections_per_client() const { return per_client_; }
  uint32_t tls_connections_per_client() const { return per_client_tls_; }

  // Steps 2 of the header comment for one parsed request. hdr[cap] holds
  // the refusal's extra headers (cap >= kAccessHeaderBytes).
  AccessVerdict check_request(const IpAddr& peer, const Request& req, std::string_view path, uint64_t now_ms,
                              char* hdr, size_t cap);

  // The security headers for a response of this content type, into
  // out[cap]; returns the length (0 when disabled). api: add Cache-Control
  // no-store; https: add HSTS when configured; own_csp: the response sets
  // its own Content-Security-Policy (the status page), so none is added.
  size_t security_headers(std::string_view content_type, bool https, char* out, size_t cap,
                          bool own_csp = false) const;

  bool log_enabled() const { return log_; }
  bool auth_enabled() const { return auth_.has_admin() || auth_.has_ingest(); }
  const AccessStats& stats() const { return stats_; }
  AccessStats& stats() { return stats_; }
  const RateLimiter& limiter() const { return limiter_; }
  Authenticator& authenticator() { return auth_; }

 private:
  static constexpr size_t kMaxHosts = kMaxListEntries;
  bool path_in(const ConfigList& list, std::string_view path) const;
  bool host_trusted(const Request& req) const;

  CidrList allow_;
  ConfigList hosts_;
  ConfigList public_paths_, ingest_paths_;
  Authenticator auth_;
  AuthFailureLimiter auth_failures_;  // bcrypt guesses per client (http/bcrypt_hook.hpp)
  RateLimiter limiter_;
  AccessStats stats_;
  CostBucket auth_global_{kAuthGlobalBurstMs, 0};  // every client's password checks
  double rate_ = 0, burst_ = 1;
  uint64_t hsts_max_age_s_ = 0;
  uint32_t per_client_ = 0, per_client_tls_ = 0;
  bool headers_ = true;
  bool log_ = false;
};

// The per-client caps a config means: [access] max_connections_per_client,
// or when it is 0 (the default) a quarter of [web] max_connections (at
// least 2), so four clients are needed to fill the server; for TLS the
// same key capped at [tls] max_connections, or by default a quarter of
// that pool (at least 2).
struct PerClientCaps {
  uint32_t connections = 0, tls = 0;
};
PerClientCaps per_client_caps(const Config& c);

// One access log line (JSON through core/log at level info): request id,
// peer, method, path (without the query, which may carry secrets), status,
// response bytes, duration, scheme, and the Basic user when there was one.
// Never a header value, password or token.
struct AccessRecord {
  uint64_t id = 0;
  const IpAddr* peer = nullptr;
  std::string_view method, path, user;
  int status = 0;
  uint64_t bytes = 0;
  double duration_s = 0;
  bool https = false;
};
void log_access(const AccessRecord& r);

}  // namespace edgestat::http

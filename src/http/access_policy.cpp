#include "http/access_policy.hpp"

#include <cstdio>

#include "config/origin.hpp"
#include "core/ascii.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/out_buffer.hpp"
#include "core/scan.hpp"

namespace edgestat::http {
namespace {

constexpr std::string_view kCommonHeaders =
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Cache-Control: no-store\r\n";
// HTML that sets no policy of its own may load nothing (the status page
// and the HTML renderings of JSON set theirs: app/web_handlers.cpp).
constexpr std::string_view kCspHtml =
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'\r\n";
// Everything else is data: a browser opening it gets a sandboxed document
// that may load nothing.
constexpr std::string_view kCspData = "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; sandbox\r\n";

// Host without its port: "example:9100" -> "example", "[::1]:9100" -> "::1".
std::string_view host_name(std::string_view h) {
  if (!h.empty() && h[0] == '[') {
    size_t close = h.find(']');
    return close == std::string_view::npos ? h : h.substr(1, close - 1);
  }
  size_t colon = h.rfind(':');
  return colon == std::string_view::npos ? h : h.substr(0, colon);
}

}  // namespace

std::string_view refusal_name(Refusal r) {
  switch (r) {
    case Refusal::Allowlist: return "allowlist";
    case Refusal::ClientConnections: return "client_connections";
    case Refusal::Evicted: return "evicted";
    case Refusal::RateLimit: return "rate_limit";
    case Refusal::Host: return "host";
    case Refusal::AuthMissing: return "auth_missing";
    case Refusal::AuthInvalid: return "auth_invalid";
    case Refusal::AuthBudget: return "auth_budget";
    default: return "other";
  }
}

bool AccessPolicy::init(const Config& c) {
  return limiter_.init(static_cast<uint32_t>(c.access.rate_limit_clients), static_cast<double>(c.access.rate_limit),
                       static_cast<double>(c.access.rate_limit_burst));
}

bool AccessPolicy::configure(const Config& c, ConfigErrors& errors) {
  bool ok = true;
  const char* why = "";
  allow_.clear();
  for (const ConfigString& s : c.access.allow) {
    if (!allow_.add(s.view(), &why)) {
      errors.add("%s[access] allow \"%s\": %s", key_where(c, "access", "allow").c_str(), s.c_str(), why);
      ok = false;
    }
  }
  if (c.access.allow.empty()) {
    errors.add("%s[access] allow: empty would refuse every client (use \"any\" to allow all)",
               key_where(c, "access", "allow").c_str());
    ok = false;
  }
  hosts_ = c.access.trusted_hosts;
  // Names and IPv6 literals (colons, no dots) are fine; "host:port" is not.
  for (const ConfigString& h : hosts_) {
    std::string_view v = h.view();
    bool v6 = v.find(':') != std::string_view::npos && v.find('.') == std::string_view::npos;
    if (!v6 && v.find(':') != std::string_view::npos) {
      errors.add("%s[access] trusted_hosts \"%s\": list host names without a port",
                 key_where(c, "access", "trusted_hosts").c_str(), h.c_str());
      ok = false;
    }
  }
  public_paths_ = c.auth.public_paths;
  ingest_paths_ = c.auth.ingest_paths;
  for (const ConfigList* l : {&public_paths_, &ingest_paths_})
    for (const ConfigString& p : *l)
      if (p.empty() || p.view()[0] != '/') {
        errors.add("%s[auth] %s \"%s\": must start with '/'",
                   key_where(c, "auth", l == &public_paths_ ? "public_paths" : "ingest_paths").c_str(),
                   l == &public_paths_ ? "public_paths" : "ingest_paths", p.c_str());
        ok = false;
      }
  auth_ = Authenticator();
  for (const ConfigString& u : c.auth.users) {
    if (!auth_.add_user(u.view(), &why)) {
      // Never echo the entry: it holds a password hash.
      size_t colon = u.view().find(':');
      std::string_view name = u.view().substr(0, colon == std::string_view::npos ? 0 : colon);
      errors.add("%s[auth] users entry for \"%.*s\": %s", key_where(c, "auth", "users").c_str(),
                 int(name.size() > 64 ? 64 : name.size()), name.data(), why);
      ok = false;
    }
  }
  for (int set = 0; set < 2; ++set) {
    const ConfigList& l = set == 0 ? c.auth.tokens : c.auth.ingest_tokens;
    size_t i = 0;
    for (const ConfigString& t : l) {
      ++i;
      if (!auth_.add_token(t.view(), set == 1, &why)) {
        errors.add("%s[auth] %s entry %zu: %s", key_where(c, "auth", set == 0 ? "tokens" : "ingest_tokens").c_str(),
                   set == 0 ? "tokens" : "ingest_tokens", i, why);
        ok = false;
      }
    }
  }
  rate_ = static_cast<double>(c.access.rate_limit);
  burst_ = static_cast<double>(c.access.rate_limit_burst);
  limiter_.set_rate(rate_, burst_);
  hsts_max_age_s_ = c.tls.hsts_max_age_ms / 1000;
  PerClientCaps caps = per_client_caps(c);
  per_client_ = caps.connections;
  per_client_tls_ = caps.tls;
  headers_ = c.access.security_headers;
  log_ = c.access.log;
  return ok;
}

void AccessPolicy::adopt(const AccessPolicy& o) {
  allow_ = o.allow_;
  hosts_ = o.hosts_;
  public_paths_ = o.public_paths_;
  ingest_paths_ = o.ingest_paths_;
  auth_ = o.auth_;
  rate_ = o.rate_;
  burst_ = o.burst_;
  limiter_.set_rate(rate_, burst_);
  hsts_max_age_s_ = o.hsts_max_age_s_;
  per_client_ = o.per_client_;
  per_client_tls_ = o.per_client_tls_;
  headers_ = o.headers_;
  log_ = o.log_;
}

PerClientCaps per_client_caps(const Config& c) {
  auto quarter = [](uint64_t n) { return static_cast<uint32_t>(n / 4 < 2 ? 2 : n / 4); };
  uint64_t set = c.access.max_connections_per_client;
  PerClientCaps caps;
  caps.connections = set ? static_cast<uint32_t>(set) : quarter(c.web.max_connections);
  caps.tls = set ? static_cast<uint32_t>(set < c.tls.max_connections ? set : c.tls.max_connections)
                 : quarter(c.tls.max_connections);
  return caps;
}

bool AccessPolicy::path_in(const ConfigList& list, std::string_view path) const {
  for (const ConfigString& p : list) {
    std::string_view v = p.view();
    if (v == path) return true;
    if (v.size() > 1 && v.back() == '/' && starts_with(path, v)) return true;
  }
  return false;
}

bool AccessPolicy::host_trusted(const Request& req) const {
  if (hosts_.empty()) return true;
  std::string_view host;
  size_t seen = 0;
  for (size_t i = 0; i < req.num_headers; ++i) {
    if (iequals(req.headers[i].name, "Host")) {
      host = req.headers[i].value;
      ++seen;
    }
  }
  if (seen != 1) return false;  // RFC 9112 §3.2: exactly one Host
  // An absolute-form target's authority is the one that counts (RFC 9112
  // §3.2.2: the Host field is then ignored).
  if (!req.authority.empty()) host = req.authority;
  std::string_view name = host_name(host);
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // FQDN with the root dot
  for (const ConfigString& h : hosts_)
    if (iequals(h.view(), name)) return true;
  return false;
}

AccessVerdict AccessPolicy::check_request(const IpAddr& peer, const Request& req, std::string_view path,
                                          uint64_t now_ms, char* hdr, size_t cap) {
  AccessVerdict v;
  OutBuffer out(hdr, cap);
  uint32_t retry = 0;
  if (!limiter_.allow(peer, now_ms, &retry)) {
    stats_.count(Refusal::RateLimit);
    out.put("Retry-After: ");
    out.put_u64(retry);
    out.put("\r\n");
    v.status = 429;
    v.extra_headers = out.view();
    v.body = "429 Too Many Requests\n";
    return v;
  }
  if (!host_trusted(req)) {
    stats_.count(Refusal::Host);
    v.status = 400;
    v.body = "400 Bad Request: Host not in [access] trusted_hosts\n";
    return v;
  }
  // Ingest tokens write, never read: on an ingest path they open only the
  // methods that carry data (POST), so GET /api/v1/operations on the same
  // path still needs read credentials.
  bool writes = req.method != "GET" && req.method != "HEAD";
  bool ingest = writes && auth_.has_ingest() && path_in(ingest_paths_, path);
  bool admin = auth_.has_admin();
  if ((!admin && !ingest) || path_in(public_paths_, path)) return v;
  AuthNeed need;
  need.admin = admin;
  need.ingest = ingest;
  std::string_view authz = find_header(req, "Authorization").value_or(std::string_view());
  // bcrypt costs tens of ms on a router: a client that keeps failing is
  // refused before the check (bcrypt_hook.hpp).
  bool bcrypt = auth_.has_bcrypt_users() && authz.size() > 6 && iequals(authz.substr(0, 6), "Basic ");
  if (bcrypt && !auth_failures_.allow(peer, now_ms)) {
    stats_.count(Refusal::RateLimit);
    out.put("Retry-After: ");
    out.put_u64(kAuthFailureRefillMs / 1000);
    out.put("\r\n");
    v.status = 429;
    v.extra_headers = out.view();
    v.body = "429 Too Many Requests: too many failed logins\n";
    return v;
  }
  AuthOutcome o = auth_.check(authz, need, &v.user, false);
  if (o == AuthOutcome::Costly) {
    // PBKDF2 is needed: only within this client's and everyone's budget.
    CostBucket* mine = limiter_.cost_bucket(peer, now_ms, kAuthClientBurstMs);
    if ((mine && !mine->may_start(now_ms, kAuthClientMsPerSecond, kAuthClientBurstMs, &retry)) ||
        !auth_global_.may_start(now_ms, kAuthGlobalMsPerSecond, kAuthGlobalBurstMs, &retry)) {
      stats_.count(Refusal::AuthBudget);
      out.put("Retry-After: ");
      out.put_u64(retry);
      out.put("\r\n");
      v.status = 429;
      v.user = {};
      v.extra_headers = out.view();
      v.body = "429 Too Many Requests: password checks over budget\n";
      return v;
    }
    int64_t t0 = monotonic_ns();
    o = auth_.check(authz, need, &v.user, true);
    double ms = static_cast<double>(monotonic_ns() - t0) / 1e6;
    if (mine) mine->charge(ms);
    auth_global_.charge(ms);
  }
  if (o == AuthOutcome::Ok) return v;
  if (bcrypt && o == AuthOutcome::Invalid) auth_failures_.failed(peer, now_ms);
  stats_.count(o == AuthOutcome::Missing ? Refusal::AuthMissing : Refusal::AuthInvalid);
  if (auth_.has_users() && admin) out.put("WWW-Authenticate: Basic realm=\"edgestat\", charset=\"UTF-8\"\r\n");
  if (auth_.has_tokens()) out.put("WWW-Authenticate: Bearer realm=\"edgestat\"\r\n");
  v.status = 401;
  v.user = {};
  v.extra_headers = out.overflowed() ? std::string_view() : out.view();
  v.body = "401 Unauthorized\n";
  return v;
}

size_t AccessPolicy::security_headers(std::string_view content_type, bool https, char* p, size_t cap,
                                      bool own_csp) const {
  OutBuffer out(p, cap);
  if (headers_) {
    out.put(kCommonHeaders);
    if (!own_csp) out.put(starts_with(content_type, "text/html") ? kCspHtml : kCspData);
  }
  if (https && hsts_max_age_s_ > 0) {
    out.put("Strict-Transport-Security: max-age=");
    out.put_u64(hsts_max_age_s_);
    out.put("\r\n");
  }
  return out.overflowed() ? 0 : out.size();
}

void log_access(const AccessRecord& r) {
  char peer[kIpTextBytes] = "";
  size_t pn = r.peer ? format_ip(*r.peer, peer, sizeof peer) : 0;
  char id[17];
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) id[i] = kHex[(r.id >> (60 - 4 * i)) & 15];
  id[16] = '\0';
  // The method and path are the client's bytes; the log writer escapes
  // them for JSON. Long paths are cut so one line stays one write.
  std::string_view path = r.path.substr(0, 256);
  const LogField fields[] = {{"id", std::string_view(id, 16)},
                             {"peer", std::string_view(peer, pn)},
                             {"method", r.method.substr(0, 16)},
                             {"path", path},
                             {"status", r.status},
                             {"bytes", r.bytes},
                             {"duration_s", r.duration_s},
                             {"scheme", r.https ? "https" : "http"},
                             {"user", r.user.substr(0, 64)}};
  // The user field only when someone authenticated.
  size_t n = r.user.empty() ? std::size(fields) - 1 : std::size(fields);
  log_write(LogLevel::Info, "access", std::span<const LogField>(fields, n));
}

}  // namespace edgestat::http

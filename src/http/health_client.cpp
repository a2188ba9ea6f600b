#include "http/health_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/clock.hpp"
#include "core/listen_address.hpp"
#include "core/number.hpp"
#include "core/out_buffer.hpp"
#include "core/scan.hpp"

namespace edgestat::http {
namespace {

// The string value of the first "key":"..." in JSON text, unescaped
// (\" \\ \/ \n \t; \uXXXX becomes '?': summaries are ASCII in practice).
bool json_string_field(std::string_view json, std::string_view key, FixedString<1024>* out) {
  char pat[64];
  OutBuffer p(pat, sizeof pat);
  p.put('"');
  p.put(key);
  p.put("\":\"");
  if (p.overflowed()) return false;
  size_t at = json.find(p.view());
  if (at == std::string_view::npos) return false;
  out->clear();
  for (size_t i = at + p.size(); i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') return true;
    if (c == '\\' && i + 1 < json.size()) {
      char e = json[++i];
      switch (e) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'u': c = '?', i += 4; break;
        default: c = e; break;
      }
    }
    out->push_back(c);
  }
  return false;
}

int wait_fd(int fd, short events, int64_t deadline_ns) {
  for (;;) {
    int64_t left_ms = (deadline_ns - monotonic_ns()) / 1000000;
    if (left_ms <= 0) return ETIMEDOUT;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left_ms));
    if (r > 0) return 0;
    if (r == 0) return ETIMEDOUT;
    if (errno != EINTR) return errno;
  }
}

}  // namespace

bool parse_health_url(std::string_view url, HealthUrl* out, const char** why) {
  if (!starts_with(url, "http://")) {
    *why = "only http:// URLs are supported";
    return false;
  }
  std::string_view rest = url.substr(7);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out->path.assign(slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash));
  std::string_view host, port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      *why = "unterminated [IPv6] host";
      return false;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        *why = "expected :port after ]";
        return false;
      }
      port = after.substr(1);
    }
    unsigned char a[16];
    FixedString<64> tmp(host);
    if (inet_pton(AF_INET6, tmp.c_str(), a) != 1) {
      *why = "not an IPv6 address";
      return false;
    }
  } else {
    size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    unsigned char a[4];
    FixedString<64> tmp(host);
    if (host != "localhost" && inet_pton(AF_INET, tmp.c_str(), a) != 1) {
      *why = "host must be an IPv4 address, [IPv6] or localhost (no DNS)";
      return false;
    }
  }
  if (!out->host.assign(host) || host.empty()) {
    *why = "bad host";
    return false;
  }
  out->port = 80;
  if (!port.empty()) {
    auto p = parse_u64(port);
    if (!p || *p == 0 || *p > 65535) {
      *why = "port must be 1-65535";
      return false;
    }
    out->port = static_cast<uint16_t>(*p);
  }
  return true;
}

void default_health_url(std::string_view listen, FixedString<300>* out) {
  FixedString<64> host;
  uint16_t port = 9100;
  const char* why = "";
  if (!parse_listen_address(listen, &host, &port, &why)) host.clear();
  out->assign("http://");
  std::string_view h = host.view();
  if (h.empty() || h == "0.0.0.0") {
    out->append("127.0.0.1");
  } else if (h.find(':') != std::string_view::npos) {
    out->append("[");
    out->append(h == "::" ? std::string_view("::1") : h);
    out->append("]");
  } else {
    out->append(h);
  }
  char p[8];
  out->append(":");
  out->append(std::string_view(p, format_u64(port, p)));
  out->append("/health");
}

bool parse_health_response(std::string_view resp, HealthAnswer* out, const char** why) {
  // "HTTP/1.1 200 OK\r\n"
  if (resp.size() < 12 || !starts_with(resp, "HTTP/1.")) {
    *why = "not an HTTP response";
    return false;
  }
  auto code = parse_u64(resp.substr(9, 3));
  if (!code) {
    *why = "bad status line";
    return false;
  }
  out->http_status = static_cast<int>(*code);
  size_t body_at = resp.find("\r\n\r\n");
  if (body_at == std::string_view::npos) {
    *why = "incomplete response";
    return false;
  }
  std::string_view body = resp.substr(body_at + 4);
  FixedString<1024> status;
  if (!json_string_field(body, "status", &status) || !json_string_field(body, "summary", &out->summary)) {
    *why = "response is not edgestat's /health JSON";
    return false;
  }
  out->status.assign(status.view().substr(0, 32));
  return true;
}

int run_health_command(std::string_view url) {
  HealthUrl u;
  const char* why = "";
  if (!parse_health_url(url, &u, &why)) {
    std::fprintf(stderr, "edgestat health: %.*s: %s\n", int(url.size()), url.data(), why);
    return 1;
  }
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  socklen_t slen;
  const char* host = u.host == "localhost" ? "127.0.0.1" : u.host.c_str();
  if (u.host.view().find(':') != std::string_view::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(u.port);
    inet_pton(AF_INET6, host, &a->sin6_addr);
    slen = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(u.port);
    inet_pton(AF_INET, host, &a->sin_addr);
    slen = sizeof *a;
  }
  int64_t deadline = monotonic_ns() + int64_t{kHealthTimeoutMs} * 1000000;
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int err = fd < 0 ? errno : 0;
  if (!err && ::connect(fd, reinterpret_cast<sockaddr*>(&ss), slen) != 0) {
    err = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, deadline) : errno;
    if (!err) {
      socklen_t el = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
    }
  }
  static char buf[kHealthResponseBytes];
  size_t len = 0;
  if (!err) {
    OutBuffer req(buf, sizeof buf);
    req.put("GET ");
    req.put(u.path.view());
    req.put(" HTTP/1.1\r\nHost: ");
    req.put(url.substr(7, url.substr(7).find('/')));
    req.put("\r\nUser-Agent: edgestat-health\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
    size_t off = 0;
    while (!err && off < req.size()) {
      ssize_t w = ::send(fd, buf + off, req.size() - off, MSG_NOSIGNAL);
      if (w > 0) off += static_cast<size_t>(w);
      else if (errno == EAGAIN) err = wait_fd(fd, POLLOUT, deadline);
      else if (errno != EINTR) err = errno;
    }
    while (!err && len < sizeof buf) {
      ssize_t r = ::recv(fd, buf + len, sizeof buf - len, 0);
      if (r > 0) len += static_cast<size_t>(r);
      else if (r == 0) break;
      else if (errno == EAGAIN) err = wait_fd(fd, POLLIN, deadline);
      else if (errno != EINTR) err = errno;
    }
  }
  if (fd >= 0) ::close(fd);
  if (err) {
    std::fprintf(stderr, "edgestat health: %.*s: %s\n", int(url.size()), url.data(), std::strerror(err));
    return 1;
  }
  HealthAnswer a;
  if (!parse_health_response(std::string_view(buf, len), &a, &why)) {
    std::fprintf(stderr, "edgestat health: %.*s: %s\n", int(url.size()), url.data(), why);
    return 1;
  }
  std::printf("%s\n", a.summary.c_str());
  bool ok = a.http_status == 200 && (a.status == "healthy" || a.status == "degraded");
  return ok ? 0 : 1;
}

}  // namespace edgestat::http

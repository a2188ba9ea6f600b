#include "core/url.hpp"

#include "core/number.hpp"

namespace edgestat {

bool parse_url(std::string_view s, Url* out, const char** why) {
  Url u;
  if (s.substr(0, 7) == "http://") {
    s.remove_prefix(7);
  } else if (s.substr(0, 8) == "https://") {
    u.https = true;
    s.remove_prefix(8);
  } else {
    *why = "must start with http:// or https://";
    return false;
  }
  size_t slash = s.find('/');
  std::string_view auth = s.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view("/") : s.substr(slash);
  if (auth.find('@') != std::string_view::npos) {
    *why = "credentials in the URL are refused (use basic_auth_* or bearer_token)";
    return false;
  }
  if (path.find('#') != std::string_view::npos) {
    *why = "a fragment (#) makes no sense in a push URL";
    return false;
  }
  for (char c : path) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      *why = "the path has a space or control character";
      return false;
    }
  }
  std::string_view host, port;
  if (!auth.empty() && auth[0] == '[') {
    size_t close = auth.find(']');
    if (close == std::string_view::npos) {
      *why = "unterminated [IPv6] host";
      return false;
    }
    host = auth.substr(1, close - 1);
    std::string_view rest = auth.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') {
        *why = "junk after ]";
        return false;
      }
      port = rest.substr(1);
    }
  } else {
    size_t colon = auth.rfind(':');
    host = auth.substr(0, colon);
    if (colon != std::string_view::npos) port = auth.substr(colon + 1);
  }
  if (host.empty()) {
    *why = "no host";
    return false;
  }
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_' || c == ':';
    if (!ok) {
      *why = "the host has a character no host name or address has";
      return false;
    }
  }
  u.port = u.https ? 443 : 80;
  if (!port.empty()) {
    auto p = parse_u64(port);
    if (!p || *p == 0 || *p > 65535) {
      *why = "port must be 1-65535";
      return false;
    }
    u.port = static_cast<uint16_t>(*p);
  }
  if (!u.host.assign(host) || !u.path.assign(path) || !u.authority.assign(auth)) {
    *why = "longer than 255 bytes";
    return false;
  }
  *out = u;
  return true;
}

}  // namespace edgestat

#include "http/router.hpp"

#include <cstring>
#include <utility>

#include "core/out_buffer.hpp"

namespace edgestat::http {

std::string_view handler_name(HandlerId id) {
  switch (id) {
    case HandlerId::Metrics: return "metrics";
    case HandlerId::Health: return "health";
    case HandlerId::Live: return "live";
    case HandlerId::Snapshot: return "snapshot";
    case HandlerId::Index: return "index";
    case HandlerId::Ingest: return "ingest";
    case HandlerId::Api: return "api";
    case HandlerId::Other: return "other";
  }
  return "other";
}

uint8_t method_bit(std::string_view m) {
  if (m == "GET") return kMethodGet;
  if (m == "HEAD") return kMethodHead;
  if (m == "POST") return kMethodPost;
  return 0;
}

size_t format_allow(uint8_t methods, char* out, size_t cap) {
  OutBuffer b(out, cap);
  b.put("Allow: ");
  bool first = true;
  for (auto [bit, name] : {std::pair<uint8_t, std::string_view>{kMethodGet, "GET"},
                           {kMethodHead, "HEAD"},
                           {kMethodPost, "POST"}}) {
    if (!(methods & bit)) continue;
    if (!first) b.put(", ");
    b.put(name);
    first = false;
  }
  b.put("\r\n");
  return b.overflowed() ? 0 : b.size();
}

bool Router::add(std::string_view path, uint8_t methods, HandlerId id, HandlerFn fn, void* ctx, bool takes_body) {
  if (count_ == kMaxRoutes) return false;
  Route& r = routes_[count_];
  if (!r.path.assign(path)) return false;
  r.methods = methods;
  r.id = id;
  r.fn = fn;
  r.ctx = ctx;
  r.takes_body = takes_body;
  ++count_;
  return true;
}

bool Router::set_path(HandlerId id, std::string_view path) {
  for (size_t i = 0; i < count_; ++i)
    if (routes_[i].id == id) return routes_[i].path.assign(path);
  return false;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  for (size_t i = 0; i < count_; ++i) {
    const Route& r = routes_[i];
    if (r.path.view() != path) continue;
    return Match{&r, (method_bit(method) & r.methods) ? 0 : 405};
  }
  return Match{};
}

}  // namespace edgestat::http

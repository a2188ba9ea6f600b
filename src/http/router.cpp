#include "http/router.hpp"

#include <cstring>
#include <utility>

#include "core/out_buffer.hpp"

namespace edgestat::http {

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

Router::Router() {
  labels_[0] = "other";
  nlabels_ = 1;
}

int Router::add(std::string_view path, uint8_t methods, std::string_view label, HandlerFn fn, void* ctx,
                bool takes_body, bool json_errors) {
  if (count_ == kMaxRoutes) return -1;
  size_t li = 0;
  while (li < nlabels_ && labels_[li] != label) ++li;
  if (li == nlabels_) {
    if (nlabels_ == kMaxRouteLabels) return -1;
    labels_[nlabels_++] = label;
  }
  Route& r = routes_[count_];
  if (!r.path.assign(path)) return -1;
  r.methods = methods;
  r.label = static_cast<uint8_t>(li);
  r.fn = fn;
  r.ctx = ctx;
  r.takes_body = takes_body;
  r.json_errors = json_errors;
  return static_cast<int>(count_++);
}

bool Router::set_path(int route, std::string_view path) {
  if (route < 0 || static_cast<size_t>(route) >= count_) return false;
  return routes_[route].path.assign(path);
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

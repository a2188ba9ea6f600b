#include "app/host_handlers.hpp"

#include "collect/registry.hpp"
#include "core/log.hpp"
#include "http/negotiate.hpp"
#include "http/query.hpp"

namespace edgestat {
namespace {

// collect[]/exclude[] names one request may list (there are fewer collectors).
constexpr size_t kMaxFilterNames = 64;
constexpr uint8_t kGetHead = http::kMethodGet | http::kMethodHead;

void bad_request(http::Exchange& ex, std::string_view a, std::string_view b = {}) {
  OutBuffer out(ex.small, ex.small_cap);
  out.put(a);
  out.put(b.substr(0, 200));
  out.put('\n');
  ex.reply.status = 400;
  ex.reply.content_type = kTextPlain;
  ex.reply.body = out.view();
}

}  // namespace

bool HostHandlers::add_routes(http::Router& r) {
  metrics_route_ = r.add(cfg_.web.telemetry_path.view(), kGetHead, "metrics", handle_metrics, this);
  if (metrics_route_ < 0 || r.add("/health/live", kGetHead, "live", handle_live, this) < 0 ||
      r.add("/api/v1/snapshot", kGetHead, "snapshot", handle_snapshot, this, false, true) < 0) {
    log_error("the route table is full");
    return false;
  }
  return true;
}

bool HostHandlers::filter_mask(http::Exchange& ex, uint64_t* mask, bool* filtered) const {
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
      if (!((col_.enabled_mask() >> id) & 1)) {
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

void HostHandlers::handle_metrics(void* ctx, http::Exchange& ex) {
  auto* h = static_cast<HostHandlers*>(ctx);
  uint64_t limit = h->cfg_.web.max_requests;
  uint8_t label = ex.route ? ex.route->label : http::kOtherLabel;
  // One client gets a quarter of the limit (at least 1), so a single
  // address holding slow scrapes cannot make everyone else's a 503.
  uint64_t share = limit / 4 > 1 ? limit / 4 : 1;
  uint32_t now = h->server_.in_flight(label);
  if (limit > 0 && (now >= limit || (now >= share && ex.peer && h->server_.client_in_flight(*ex.peer, label) >= share))) {
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
  if (!h->filter_mask(ex, &mask, &filtered)) return;
  h->fresh_(h->fresh_ctx_);
  http::Format f = http::negotiate_format(*ex.req);
  BodyFormat bf = f == http::Format::OpenMetrics100 ? BodyFormat::OpenMetrics100 : BodyFormat::Text004;
  if (h->cache_.serve(bf, mask, !filtered, ex.reply)) ex.reply.content_type = http::content_type(f);
}

void HostHandlers::handle_snapshot(void* ctx, http::Exchange& ex) {
  auto* h = static_cast<HostHandlers*>(ctx);
  h->fresh_(h->fresh_ctx_);
  if (h->cache_.serve(BodyFormat::Json, kAllCollectors, true, ex.reply)) ex.reply.content_type = kJsonType;
}

void HostHandlers::handle_live(void*, http::Exchange& ex) {
  // Answered at all means the loop turns.
  ex.reply.content_type = kTextPlain;
  ex.reply.body = "ok\n";
}

}  // namespace edgestat

#include "app/web_handlers.hpp"

#include "app/render_cache.hpp"
#include "core/log.hpp"
#include "http/negotiate.hpp"
#include "web/assets.hpp"
#include "web/json_html.hpp"

namespace edgestat {
namespace {

// Every asset is stored compressed only; the headers are constant. The
// page's policy: script and stylesheet from this origin only, data from
// the JSON APIs only; no inline script, style or event handlers.
constexpr std::string_view kAssetHeaders =
    "Content-Encoding: gzip\r\n"
    "Vary: Accept-Encoding\r\n"
    "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'\r\n";
static_assert(kAssetHeaders.size() <= http::kReplyHeaderBytes);
// An HTML rendering of JSON loads the stylesheet and nothing else.
constexpr std::string_view kJsonHtmlHeaders =
    "Vary: Accept\r\n"
    "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'\r\n";
static_assert(kJsonHtmlHeaders.size() <= http::kReplyHeaderBytes);

}  // namespace

bool WebHandlers::add_routes(http::Router& router) {
  for (const web::Asset& a : web::assets()) {
    if (router.add(a.path, http::kMethodGet | http::kMethodHead, "index", handle_asset,
                   const_cast<web::Asset*>(&a)) < 0) {
      log_error("the route table is full");
      return false;
    }
  }
  return true;
}

void WebHandlers::handle_asset(void* ctx, http::Exchange& ex) {
  const auto* a = static_cast<const web::Asset*>(ctx);
  if (ex.req && !http::accepts_gzip(*ex.req)) {
    ex.reply.status = 406;
    ex.reply.content_type = kTextPlain;
    ex.reply.body =
        "The status page is stored gzip-compressed only; ask with Accept-Encoding: gzip "
        "(every browser does; curl --compressed).\n";
    return;
  }
  ex.reply.content_type = a->content_type;
  ex.reply.body = a->gzip;
  ex.reply.extra_headers = kAssetHeaders;
}

void WebHandlers::reply_filter(void* ctx, http::Exchange& ex) {
  auto* w = static_cast<WebHandlers*>(ctx);
  if (ex.reply.content_type != kJsonType || !ex.req || !ex.reply.extra_headers.empty() ||
      !http::prefers_html(*ex.req))
    return;
  int slot = w->pool_.take();
  if (slot == http::BodyPool::kNone) return;
  OutBuffer out(w->pool_.data(slot), w->pool_.slot_bytes());
  if (!web::render_json_html(ex.reply.body, ex.path, out)) return;  // the slot stays free
  if (ex.reply.body_slot != http::BodyPool::kNone) w->pool_.unpin(ex.reply.body_slot);
  w->pool_.set_uncached(slot, out.size());
  w->pool_.pin(slot);
  ex.reply.body = w->pool_.body(slot);
  ex.reply.body_slot = slot;
  ex.reply.content_type = kHtmlType;
  ex.reply.extra_headers = kJsonHtmlHeaders;
}

}  // namespace edgestat

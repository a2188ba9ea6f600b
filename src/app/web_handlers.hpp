#pragma once
// The status page's routes (/, /app.js, /style.css, /favicon.svg: the
// embedded files of web/assets.hpp, sent gzip-compressed with their own
// Content-Security-Policy) and the reply filter that renders a JSON answer
// as HTML for a browser (web/json_html.hpp). The page reads the same JSON
// APIs any client reads, through the same access control.
#include "http/body_pool.hpp"
#include "http/router.hpp"

namespace edgestat {

class WebHandlers {
 public:
  explicit WebHandlers(http::BodyPool& pool) : pool_(pool) {}

  // One route per asset; false (logged) when the route table is full.
  bool add_routes(http::Router& router);
  // Server reply filter: a JSON reply to a client preferring text/html
  // becomes an HTML page (in a body pool slot). Left as JSON when no slot
  // is free, the rendering does not fit, or the reply has extra headers.
  static void reply_filter(void* ctx, http::Exchange& ex);

 private:
  static void handle_asset(void* ctx, http::Exchange& ex);
  http::BodyPool& pool_;
};

}  // namespace edgestat

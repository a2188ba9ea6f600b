// web/: the embedded status page (size budget, gzip framing, CSP-safe
// markup), the JSON -> HTML rendering, and app/web_handlers' negotiation.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "app/render_cache.hpp"
#include "app/web_handlers.hpp"
#include "app_harness.hpp"
#include "http/negotiate.hpp"
#include "web/assets.hpp"
#include "web/json_html.hpp"

using namespace edgestat;

namespace {

// The uncompressed text of an asset, from the source tree (the embedded
// bytes are compressed; the test checks what went in).
std::string source(const char* name) {
  std::string path = std::string(EDGESTAT_SOURCE_DIR) + "/src/web/" + name;
  FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  std::fclose(f);
  return s;
}

std::string html(std::string_view json) {
  static char buf[65536];
  OutBuffer out(buf, sizeof buf);
  if (!web::json_to_html(json, out)) return "<refused>";
  return std::string(out.view());
}

}  // namespace

TEST_CASE("the embedded page stays within its size budget on the wire") {
  size_t total = web::assets_gzip_bytes();
  MESSAGE("status page assets: " << total << " bytes gzipped");
  CHECK(total > 0);
  CHECK(total <= web::kAssetBudgetBytes);
  REQUIRE(web::find_asset("/"));
  for (const char* p : {"/", "/app.js", "/style.css", "/favicon.svg"}) CHECK(web::find_asset(p));
  CHECK_FALSE(web::find_asset("/index.html"));
}

TEST_CASE("each asset is a complete gzip member whose trailer names its size; reproducible header") {
  for (const web::Asset& a : web::assets()) {
    const auto* g = reinterpret_cast<const unsigned char*>(a.gzip.data());
    REQUIRE(a.gzip.size() > 18);
    CHECK(g[0] == 0x1f);
    CHECK(g[1] == 0x8b);
    CHECK(g[2] == 8);  // deflate
    // No MTIME (bytes 4..7) and no file name flag: two builds are identical.
    CHECK((g[4] | g[5] | g[6] | g[7]) == 0);
    CHECK((g[3] & 0x08) == 0);
    size_t n = a.gzip.size();
    uint32_t isize = g[n - 4] | g[n - 3] << 8 | g[n - 2] << 16 | static_cast<uint32_t>(g[n - 1]) << 24;
    CHECK(isize == a.size);
  }
}

TEST_CASE("the page's markup has nothing a strict Content-Security-Policy would block") {
  std::string page = source("index.html");
  // Scripts and styles come from files only; no inline handlers, no
  // inline style attributes, no external origins.
  CHECK(page.find("<script src=\"/app.js\"") != std::string::npos);
  CHECK(page.find("<script>") == std::string::npos);
  CHECK(page.find("<style") == std::string::npos);
  CHECK(page.find(" style=") == std::string::npos);
  CHECK(page.find("javascript:") == std::string::npos);
  CHECK(page.find("http://") == std::string::npos);
  CHECK(page.find("https://") == std::string::npos);
  for (const char* on : {" onclick", " onload", " onerror", " onchange", " oninput", " onsubmit"})
    CHECK(page.find(on) == std::string::npos);
  std::string js = source("app.js");
  CHECK(js.find("innerHTML") == std::string::npos);
  CHECK(js.find("eval(") == std::string::npos);
  CHECK(js.find("new Function") == std::string::npos);
  CHECK(js.find("setAttribute('style'") == std::string::npos);
}

TEST_CASE("JSON renders as tables, every string escaped") {
  CHECK(html(R"({"a":1})") == "<table class=\"kv\"><tbody>\n<tr><th>a</th><td>1</td></tr>\n</tbody></table>");
  CHECK(html(R"("<script>alert('x')</script>&")") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;");
  CHECK(html(R"("\u003cb\u003e \"q\" \ud83d\ude00")") == "&lt;b&gt; &quot;q&quot; \xF0\x9F\x98\x80");
  CHECK(html(R"([1,2.5,-3e2,true,null])") == "1, 2.5, -3e2, true, null");
  CHECK(html("[]") == "<span class=\"mute\">none</span>");
  std::string t = html(R"({"checks":[{"name":"disk<","status":"ok"},{"name":"mem","status":"degraded"}]})");
  CHECK(t.find("<thead><tr><th>name</th><th>status</th></tr></thead>") != std::string::npos);
  CHECK(t.find("<tr><td>disk&lt;</td><td>ok</td></tr>") != std::string::npos);
  CHECK(t.find("<tr><td>mem</td><td>degraded</td></tr>") != std::string::npos);
  CHECK(html(R"([[1.5,2],[3,null]])") == "<table><tbody>\n<tr><td>1.5</td><td>2</td></tr>\n<tr><td>3</td><td>null</td></tr>\n</tbody></table>");
  // Keys are escaped too.
  CHECK(html(R"({"<k>":"v"})").find("<th>&lt;k&gt;</th>") != std::string::npos);
}

TEST_CASE("invalid, truncated or too deeply nested JSON is refused, never rendered in part") {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "\"abc", "\"\\x\"", "tru", "{\"a\":1} x", "[1 2]",
                          "\"\\ud800\"", "\"\\udc00\"", "-", "\"a\x01\""})
    CHECK_MESSAGE(html(bad) == "<refused>", bad);
  std::string deep(web::kMaxJsonHtmlDepth + 2, '[');
  deep += std::string(web::kMaxJsonHtmlDepth + 2, ']');
  CHECK(html(deep) == "<refused>");
  // A buffer too small reports overflow instead of a cut page.
  char small[16];
  OutBuffer out(small, sizeof small);
  CHECK_FALSE(web::render_json_html(R"({"a":"long enough to overflow"})", "/x", out));
}

TEST_CASE("a whole page: title escaped, stylesheet linked, no script") {
  char buf[8192];
  OutBuffer out(buf, sizeof buf);
  REQUIRE(web::render_json_html(R"({"status":"healthy"})", "/health<x>", out));
  std::string p(out.view());
  CHECK(p.find("<title>edgestat: /health&lt;x&gt;</title>") != std::string::npos);
  CHECK(p.find("href=\"/style.css\"") != std::string::npos);
  CHECK(p.find("<script") == std::string::npos);
}

TEST_CASE("browsers get HTML, programs JSON") {
  // Chromium's and Firefox's navigation Accept headers.
  CHECK(http::prefers_html(
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8"));
  CHECK(http::prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  CHECK_FALSE(http::prefers_html("*/*"));  // curl, fetch()
  CHECK_FALSE(http::prefers_html(""));
  CHECK_FALSE(http::prefers_html("application/json"));
  CHECK_FALSE(http::prefers_html("text/html;q=0.5, application/json"));
  CHECK_FALSE(http::prefers_html("text/html, application/json"));  // a tie keeps JSON
  CHECK_FALSE(http::prefers_html("text/html;;;q=x"));              // unparsable: JSON
}

TEST_CASE("gzip acceptability follows RFC 9110 12.5.3") {
  auto with = [](const char* v) {
    static http::Header h[1];
    static http::Request r;
    r = http::Request{};
    r.headers = h;
    r.num_headers = 0;
    if (v) h[r.num_headers++] = {"Accept-Encoding", v};
    return http::accepts_gzip(r);
  };
  CHECK(with(nullptr));  // no header: any coding is acceptable
  CHECK(with("gzip, deflate, br"));
  CHECK(with("GZIP"));
  CHECK(with("x-gzip"));
  CHECK(with("*"));
  CHECK(with("br;q=1, gzip;q=0.5"));
  CHECK_FALSE(with("identity"));
  CHECK_FALSE(with(""));
  CHECK_FALSE(with("gzip;q=0"));
  CHECK_FALSE(with("gzip;q=0.000, *"));
  CHECK_FALSE(with("*;q=0"));
}

TEST_CASE("the page route serves gzip with its own policy; a JSON reply becomes HTML for a browser") {
  static http::BodyPool pool;
  REQUIRE(pool.init(2, 1 << 16));
  WebHandlers w(pool);
  http::Router router;
  REQUIRE(w.add_routes(router));
  http::Router::Match m = router.match("GET", "/");
  REQUIRE(m.status == 0);
  test::TestExchange t;
  t.ex.path = "/";
  m.route->fn(m.route->ctx, t.ex);
  CHECK(t.ex.reply.status == 200);
  CHECK(t.ex.reply.content_type == "text/html; charset=utf-8");
  CHECK(t.ex.reply.body == web::find_asset("/")->gzip);
  std::string hdr(t.ex.reply.extra_headers);
  CHECK(hdr.find("Content-Encoding: gzip\r\n") != std::string::npos);
  CHECK(hdr.find("script-src 'self'") != std::string::npos);
  CHECK(hdr.find("unsafe") == std::string::npos);

  http::Header h[1] = {{"Accept-Encoding", "identity"}};
  test::TestExchange id;
  id.req.headers = h;
  id.req.num_headers = 1;
  m.route->fn(m.route->ctx, id.ex);
  CHECK(id.ex.reply.status == 406);

  http::Header a[1] = {{"Accept", "text/html,*/*;q=0.8"}};
  test::TestExchange j;
  j.req.headers = a;
  j.req.num_headers = 1;
  j.ex.path = "/health";
  j.ex.reply.content_type = kJsonType;
  j.ex.reply.body = R"({"status":"healthy","checks":[{"name":"<b>","status":"healthy"}]})";
  WebHandlers::reply_filter(&w, j.ex);
  CHECK(j.ex.reply.content_type == kHtmlType);
  CHECK(j.ex.reply.body_slot != http::BodyPool::kNone);
  CHECK(std::string(j.ex.reply.body).find("<td>&lt;b&gt;</td>") != std::string::npos);
  pool.unpin(j.ex.reply.body_slot);

  test::TestExchange prog;  // no Accept: JSON stays
  prog.ex.reply.content_type = kJsonType;
  prog.ex.reply.body = "{}";
  WebHandlers::reply_filter(&w, prog.ex);
  CHECK(prog.ex.reply.content_type == kJsonType);
  CHECK(prog.ex.reply.body == "{}");
}

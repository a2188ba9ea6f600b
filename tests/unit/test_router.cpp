// Tests for src/http/router.* and src/http/response.*: route matching
// (404/405), Allow lines, response heads and HTTP dates.
#include <doctest/doctest.h>

#include <string>

#include "http/response.hpp"
#include "http/router.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {
int calls = 0;
void fn(void*, Exchange&) { ++calls; }
}  // namespace

TEST_SUITE("http.router") {

TEST_CASE("exact paths, 404 for anything else, 405 for other methods") {
  Router r;
  int metrics = r.add("/metrics", kMethodGet | kMethodHead, "metrics", fn, nullptr);
  int index = r.add("/", kMethodGet | kMethodHead, "index", fn, nullptr);
  REQUIRE(metrics >= 0);
  REQUIRE(index >= 0);
  auto m = r.match("GET", "/metrics");
  REQUIRE(m.route);
  CHECK(m.status == 0);
  CHECK(m.route == &r.route(metrics));
  CHECK(r.match("HEAD", "/metrics").status == 0);
  m = r.match("POST", "/metrics");
  CHECK(m.status == 405);
  REQUIRE(m.route);
  CHECK(m.route == &r.route(metrics));
  CHECK(r.match("get", "/metrics").status == 405);  // methods are case-sensitive
  CHECK(r.match("GET", "/metrics/").status == 404);
  CHECK(r.match("GET", "/Metrics").status == 404);
  CHECK(r.match("GET", "/%6Detrics").status == 404);
  CHECK(r.match("GET", "").status == 404);
  CHECK(r.match("GET", "/").route == &r.route(index));
  CHECK_FALSE(r.match("GET", "/nope").route);
}

TEST_CASE("set_path re-points a route; the table has a fixed capacity") {
  Router r;
  int metrics = r.add("/metrics", kMethodGet, "metrics", fn, nullptr);
  REQUIRE(metrics == 0);
  REQUIRE(r.set_path(metrics, "/m"));
  CHECK(r.match("GET", "/metrics").status == 404);
  CHECK(r.match("GET", "/m").status == 0);
  CHECK_FALSE(r.set_path(1, "/h"));   // no such route
  CHECK_FALSE(r.set_path(-1, "/h"));
  for (size_t i = 1; i < Router::kMaxRoutes; ++i) CHECK(r.add("/x", kMethodGet, "x", fn, nullptr) == int(i));
  CHECK(r.add("/y", kMethodGet, "x", fn, nullptr) == -1);
  CHECK(Router().add(std::string(300, 'a'), kMethodGet, "x", fn, nullptr) == -1);
}

TEST_CASE("route labels: 0 is other, shared labels share a number, the list is bounded") {
  Router r;
  REQUIRE(r.label_count() == 1);
  CHECK(r.label_name(kOtherLabel) == "other");
  int a = r.add("/api/v1/stats", kMethodGet, "api", fn, nullptr);
  int b = r.add("/api/v1/history", kMethodGet, "api", fn, nullptr);
  int h = r.add("/health", kMethodGet, "health", fn, nullptr);
  CHECK(r.route(a).label == 1);
  CHECK(r.route(b).label == 1);
  CHECK(r.route(h).label == 2);
  CHECK(r.label_count() == 3);
  CHECK(r.label_name(1) == "api");
  // Labels run out before routes do: the route is refused, never mislabelled.
  static const std::string names[kMaxRouteLabels] = {"l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7",
                                                     "l8", "l9", "l10", "l11", "l12", "l13", "l14", "l15"};
  size_t i = 0;
  while (r.label_count() < kMaxRouteLabels) REQUIRE(r.add("/l", kMethodGet, names[i++], fn, nullptr) >= 0);
  CHECK(r.add("/l", kMethodGet, names[i], fn, nullptr) == -1);
  CHECK(r.add("/l", kMethodGet, "api", fn, nullptr) >= 0);  // an existing label still works
}

TEST_CASE("POST routes are one add() away") {
  Router r;
  REQUIRE(r.add("/api/v1/records", kMethodPost, "ingest", fn, nullptr, true) >= 0);
  auto m = r.match("POST", "/api/v1/records");
  REQUIRE(m.status == 0);
  CHECK(m.route->takes_body);
  calls = 0;
  Exchange ex;
  m.route->fn(m.route->ctx, ex);
  CHECK(calls == 1);
  CHECK(r.match("GET", "/api/v1/records").status == 405);
}

TEST_CASE("method bits and Allow lines") {
  CHECK(method_bit("GET") == kMethodGet);
  CHECK(method_bit("HEAD") == kMethodHead);
  CHECK(method_bit("POST") == kMethodPost);
  CHECK(method_bit("PUT") == 0);
  CHECK(method_bit("") == 0);
  char buf[64];
  CHECK(std::string(buf, format_allow(kMethodGet | kMethodHead, buf, sizeof buf)) == "Allow: GET, HEAD\r\n");
  CHECK(std::string(buf, format_allow(kMethodPost, buf, sizeof buf)) == "Allow: POST\r\n");
  CHECK(format_allow(kMethodGet | kMethodHead, buf, 8) == 0);  // does not fit: nothing, never a cut line
}

}  // TEST_SUITE

TEST_SUITE("http.response") {

TEST_CASE("response head: status line, Date, Content-Type, Content-Length, Connection, extra lines") {
  char buf[512];
  OutBuffer out(buf, sizeof buf);
  ResponseHead h;
  h.status = 405;
  h.content_type = "text/plain; charset=utf-8";
  h.content_length = 23;
  h.keep_alive = true;
  h.extra_headers = "Allow: GET, HEAD\r\n";
  h.date = "Sun, 06 Nov 1994 08:49:37 GMT";
  REQUIRE(build_response_head(h, out));
  CHECK(std::string(out.view()) ==
        "HTTP/1.1 405 Method Not Allowed\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 23\r\nConnection: keep-alive\r\n"
        "Allow: GET, HEAD\r\n\r\n");
}

TEST_CASE("response head: close, no body type, overflow refused") {
  char buf[512];
  OutBuffer out(buf, sizeof buf);
  ResponseHead h;
  h.status = 503;
  h.keep_alive = false;
  REQUIRE(build_response_head(h, out));
  CHECK(std::string(out.view()) ==
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  char tiny[20];
  OutBuffer small(tiny, sizeof tiny);
  CHECK_FALSE(build_response_head(h, small));
}

TEST_CASE("reason phrases for every status the server sends") {
  for (int s : {200, 400, 404, 405, 408, 411, 413, 414, 431, 500, 501, 503, 505}) CHECK(reason_phrase(s) != "Unknown");
  CHECK(reason_phrase(299) == "Unknown");
}

TEST_CASE("IMF-fixdate") {
  char d[kHttpDateBytes + 1] = {};
  format_http_date(784111777, d);  // RFC 9110's example
  CHECK(std::string(d) == "Sun, 06 Nov 1994 08:49:37 GMT");
  format_http_date(0, d);
  CHECK(std::string(d) == "Thu, 01 Jan 1970 00:00:00 GMT");
  format_http_date(4102444799, d);
  CHECK(std::string(d) == "Thu, 31 Dec 2099 23:59:59 GMT");
}

}  // TEST_SUITE

// Tests for src/http/router.* and src/http/response.*: routing as the
// server does it, over a real socket (a Server on a libuv loop with real
// handlers, a client thread speaking HTTP/1.1: which handler answered, 404,
// 405 with Allow, HEAD, bodies for POST routes, pipelining, re-pointed
// paths), then the table's own limits, Allow lines, response heads and
// HTTP dates.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "http/body_pool.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {
int calls = 0;
void fn(void*, Exchange&) { ++calls; }

// A handler that says who it is and what it got, so a response proves
// which route the server dispatched to.
struct Named {
  const char* name;
  char text[256];
};
void named(void* ctx, Exchange& ex) {
  auto* n = static_cast<Named*>(ctx);
  int len = std::snprintf(n->text, sizeof n->text, "%s %.*s %.*s body=%.*s", n->name, int(ex.req->method.size()),
                          ex.req->method.data(), int(ex.query.size()), ex.query.data(), int(ex.body.size()),
                          ex.body.data());
  ex.reply.status = 200;
  ex.reply.content_type = "text/plain";
  ex.reply.body = {n->text, static_cast<size_t>(len)};
}

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// Sends raw bytes on one connection and reads until the server closes it.
std::string roundtrip(int port, const std::string& raw) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    return "connect failed";
  }
  ::send(s, raw.data(), raw.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(s);
  return out;
}

std::string req(const std::string& method, const std::string& target, const std::string& body = {},
                bool close = true) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (close) r += "Connection: close\r\n";
  return r + "\r\n" + body;
}

int status_of(const std::string& resp) {
  return resp.size() > 12 && resp.compare(0, 9, "HTTP/1.1 ") == 0 ? std::stoi(resp.substr(9, 3)) : -1;
}
std::string body_of(const std::string& resp) {
  size_t p = resp.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : resp.substr(p + 4);
}
bool has_header(const std::string& resp, const std::string& line) {
  return (resp.substr(0, resp.find("\r\n\r\n")) + "\r\n").find("\r\n" + line + "\r\n") != std::string::npos;
}

// The real server on its own loop, driven by a client thread; run()
// returns when the client is done and the server has shut down.
struct LiveServer {
  uv_loop_t loop;
  Router router;
  BodyPool pool;
  Server server;
  uv_async_t stop;
  int port = free_port();
  Named metrics{"metrics", {}}, index{"index", {}}, records{"records", {}}, health{"health", {}};

  LiveServer() {
    REQUIRE(uv_loop_init(&loop) == 0);
    REQUIRE(router.add("/metrics", kMethodGet | kMethodHead, "metrics", named, &metrics) >= 0);
    REQUIRE(router.add("/", kMethodGet | kMethodHead, "index", named, &index) >= 0);
    REQUIRE(router.add("/api/v1/records", kMethodPost, "ingest", named, &records, true) >= 0);
    REQUIRE(router.add("/health", kMethodGet, "health", named, &health) >= 0);
    REQUIRE(pool.init(2, 4096));
    ServerOptions o;
    o.max_connections = 8;
    o.max_body_bytes = 1024;
    REQUIRE(server.init(&loop, o, &router, &pool));
    ConfigList addrs;
    addrs.push_back(ConfigString(("127.0.0.1:" + std::to_string(port)).c_str()));
    REQUIRE(server.listen(addrs));
    uv_async_init(&loop, &stop, [](uv_async_t* a) {
      auto* self = static_cast<LiveServer*>(a->data);
      self->server.shutdown(0, [](void*) {}, nullptr);
      uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
    });
    stop.data = this;
  }
  ~LiveServer() { uv_loop_close(&loop); }

  template <class Client>
  void run(Client client) {
    std::thread t([&] {
      client();
      uv_async_send(&stop);
    });
    uv_run(&loop, UV_RUN_DEFAULT);
    t.join();
  }
};

}  // namespace

TEST_SUITE("http.router") {

TEST_CASE("the server dispatches exact paths to their handlers, 404 for anything else, 405 with Allow") {
  LiveServer s;
  std::vector<std::string> r;
  s.run([&] {
    for (auto* q : {"GET /metrics", "GET /", "GET /health", "GET /metrics?collect[]=cpu", "POST /metrics",
                    "PUT /metrics", "get /metrics", "GET /metrics/", "GET /Metrics", "GET /%6Detrics",
                    "GET /nope", "DELETE /nope", "GET /api/v1/records", "POST /health"}) {
      std::string line(q);
      size_t sp = line.find(' ');
      r.push_back(roundtrip(s.port, req(line.substr(0, sp), line.substr(sp + 1))));
    }
  });
  REQUIRE(r.size() == 14);
  CHECK(status_of(r[0]) == 200);
  CHECK(body_of(r[0]) == "metrics GET  body=");
  CHECK(body_of(r[1]) == "index GET  body=");
  CHECK(body_of(r[2]) == "health GET  body=");
  CHECK(body_of(r[3]) == "metrics GET collect[]=cpu body=");  // the query is not part of the path
  CHECK(status_of(r[4]) == 405);
  CHECK(has_header(r[4], "Allow: GET, HEAD"));
  CHECK(body_of(r[4]) == "405 Method Not Allowed\n");
  CHECK(status_of(r[5]) == 405);
  CHECK(status_of(r[6]) == 405);  // methods are case-sensitive
  CHECK(has_header(r[6], "Allow: GET, HEAD"));
  for (int i : {7, 8, 9, 10, 11}) {
    CHECK_MESSAGE(status_of(r[i]) == 404, r[i]);
    CHECK(body_of(r[i]) == "404 page not found\n");
  }
  CHECK(status_of(r[12]) == 405);
  CHECK(has_header(r[12], "Allow: POST"));
  CHECK(status_of(r[13]) == 405);
  CHECK(has_header(r[13], "Allow: GET"));
  // Counted under the route they matched, 405s included (edgestat_http_requests_total{handler}).
  CHECK(s.server.stats().count[s.router.route(0).label] == 5);
}

TEST_CASE("HEAD gets GET's head without the body; POST routes get their body") {
  LiveServer s;
  std::string get, head, post, empty_post;
  s.run([&] {
    get = roundtrip(s.port, req("GET", "/metrics"));
    head = roundtrip(s.port, req("HEAD", "/metrics"));
    post = roundtrip(s.port, req("POST", "/api/v1/records", "{\"a\":1}"));
    empty_post = roundtrip(s.port, req("POST", "/api/v1/records"));
  });
  CHECK(status_of(head) == 200);
  // The length of the body the handler made for HEAD, which is not sent.
  CHECK(has_header(head, "Content-Length: " + std::to_string(std::string("metrics HEAD  body=").size())));
  CHECK(body_of(get) == "metrics GET  body=");
  CHECK(body_of(head).empty());
  CHECK(status_of(post) == 200);
  CHECK(body_of(post) == "records POST  body={\"a\":1}");
  CHECK(body_of(empty_post) == "records POST  body=");
}

TEST_CASE("pipelined requests on one connection are answered in order by their own handlers") {
  LiveServer s;
  std::string all;
  s.run([&] {
    all = roundtrip(s.port, req("GET", "/health", {}, false) + req("GET", "/nope", {}, false) +
                                req("POST", "/api/v1/records", "xyz", false) + req("GET", "/metrics"));
  });
  size_t a = all.find("health GET"), b = all.find("404 page not found"), c = all.find("records POST  body=xyz"),
         d = all.find("metrics GET");
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  REQUIRE(c != std::string::npos);
  REQUIRE(d != std::string::npos);
  CHECK((a < b && b < c && c < d));
}

TEST_CASE("a re-pointed route is served at its new path only") {
  LiveServer s;
  REQUIRE(s.router.set_path(0, "/m"));
  std::string old_path, new_path;
  s.run([&] {
    old_path = roundtrip(s.port, req("GET", "/metrics"));
    new_path = roundtrip(s.port, req("GET", "/m"));
  });
  CHECK(status_of(old_path) == 404);
  CHECK(body_of(new_path) == "metrics GET  body=");
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

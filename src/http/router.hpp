#pragma once
// The route table: exact paths (see query.hpp for why no normalisation),
// each with the methods it serves, the handler label it is counted under in
// edgestat_http_requests_total, and a plain function pointer plus context
// (no std::function). Adding a POST endpoint is one add() with kMethodPost
// and takes_body: the server then waits for the whole body (up to
// [web] max_body_bytes) in the connection's buffer before calling it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "http/access_cidr.hpp"
#include "http/request_parser.hpp"

namespace edgestat::http {

// Every route carries a label, the `handler` it is counted under in
// edgestat_http_requests_total; routes may share one ("api"). Labels are
// numbered as they are first added, and label 0 is "other": requests that
// match no route or are refused before routing. The app names its labels;
// the server only counts by number.
inline constexpr size_t kMaxRouteLabels = 16;
inline constexpr uint8_t kOtherLabel = 0;

enum MethodBit : uint8_t { kMethodGet = 1, kMethodHead = 2, kMethodPost = 4 };
// The bit for a method token (case-sensitive, RFC 9110 §9.1), 0 for others.
uint8_t method_bit(std::string_view method);
// "Allow: GET, HEAD\r\n" for a method set, into out[cap]; returns the length
// (0 if it does not fit).
size_t format_allow(uint8_t methods, char* out, size_t cap);

// Longest extra header block a handler may set and still get the security
// headers added after it (the status page's Content-Encoding, Vary and
// Content-Security-Policy lines need ~250 bytes).
inline constexpr size_t kReplyHeaderBytes = 384;

// What a handler answers. The body must outlive the write: a static
// string, the connection's small buffer, or a pinned BodyPool slot.
struct Reply {
  int status = 200;
  std::string_view content_type;
  std::string_view body;
  std::string_view extra_headers;  // complete lines, each ending in CRLF
  int body_slot = -1;              // BodyPool slot to unpin when the write completes
  bool close = false;              // close the connection after this response
};

struct Route;

// A handler may answer later (an ingest request waiting for its records to
// be fsynced): it sets Exchange::parked and keeps the ticket. The server
// then reads no further request on that connection until ticket.finish()
// sends the reply, whose body must live in the connection's small buffer
// (Exchange::small, untouched while parked) or in static storage. A ticket
// outlives its connection harmlessly: finish() on a closed connection (the
// client left, the server's idle_timeout fired) returns false.
struct ParkTicket {
  bool (*fn)(void* owner, uint32_t slot, uint32_t gen, const Reply& r) = nullptr;
  void* owner = nullptr;
  uint32_t slot = 0, gen = 0;
  bool finish(const Reply& r) const { return fn && fn(owner, slot, gen, r); }
};

struct Exchange {
  const Request* req = nullptr;
  const IpAddr* peer = nullptr;  // the client's address
  const Route* route = nullptr;  // the matched route (its label counts in-flight requests)
  std::string_view path, query;
  bool head = false;      // HEAD: the server sends the head only, Content-Length as for GET
  std::string_view body;  // the request body, for takes_body routes
  char* small = nullptr;  // per-connection buffer for small bodies (errors, /health)
  size_t small_cap = 0;
  Reply reply;
  ParkTicket ticket;    // set by the server
  bool parked = false;  // set by a handler that answers later through ticket
};

using HandlerFn = void (*)(void* ctx, Exchange& ex);

struct Route {
  FixedString<255> path;
  uint8_t methods = 0;
  uint8_t label = kOtherLabel;
  HandlerFn fn = nullptr;
  void* ctx = nullptr;
  bool takes_body = false;
  bool json_errors = false;  // a JSON API: errors the server answers itself (400/411/413) are JSON
};

class Router {
 public:
  // Every endpoint edgestat has fits with room to spare.
  static constexpr size_t kMaxRoutes = 32;

  Router();

  // The new route's id, or -1 when the table (or the label list) is full
  // or the path is too long. label must outlive the router (a literal).
  // json_errors: see Route.
  int add(std::string_view path, uint8_t methods, std::string_view label, HandlerFn fn, void* ctx,
          bool takes_body = false, bool json_errors = false);
  // Re-points a route (the telemetry path after a reload).
  bool set_path(int route, std::string_view path);
  const Route& route(int id) const { return routes_[id]; }

  size_t label_count() const { return nlabels_; }
  std::string_view label_name(size_t i) const { return labels_[i]; }

  struct Match {
    const Route* route = nullptr;  // set for 0 and 405
    int status = 404;              // 0: call route->fn; 404: no such path; 405: method not allowed
  };
  Match match(std::string_view method, std::string_view path) const;

 private:
  Route routes_[kMaxRoutes];
  size_t count_ = 0;
  std::string_view labels_[kMaxRouteLabels];
  size_t nlabels_ = 0;
};

}  // namespace edgestat::http

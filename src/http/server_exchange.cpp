#include "http/server_impl.hpp"

#include <cstring>
#include <ctime>

#include "core/json_writer.hpp"
#include "http/query.hpp"
#include "http/request_parser.hpp"

namespace edgestat::http {

namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

std::string_view error_body(int status) {
  switch (status) {
    case 400: return "400 Bad Request\n";
    case 404: return "404 page not found\n";  // Go's ServeMux says exactly this
    case 405: return "405 Method Not Allowed\n";
    case 411: return "411 Length Required: chunked request bodies are not accepted\n";
    case 413: return "413 Content Too Large\n";
    case 414: return "414 URI Too Long\n";
    case 431: return "431 Request Header Fields Too Large\n";
    case 501: return "501 Not Implemented\n";
    case 505: return "505 HTTP Version Not Supported\n";
  }
  return "500 Internal Server Error\n";
}

constexpr std::string_view kJsonType = "application/json";

// The JSON form of error_body for JSON API routes, in the shape their
// handlers use ({"error", "status", "field", "reason"}), into buf[cap].
std::string_view json_error_body(int status, char* buf, size_t cap) {
  std::string_view text = error_body(status);
  std::string_view reason;
  switch (status) {
    case 400: reason = "the body's framing (Content-Length, Transfer-Encoding) is invalid"; break;
    case 411: reason = "chunked request bodies are not accepted; send Content-Length"; break;
    case 413: reason = "Content-Length is over [web] max_body_bytes"; break;
    default: break;
  }
  OutBuffer out(buf, cap);
  JsonWriter j(out);
  j.begin_object();
  // "413 Content Too Large\n" -> "Content Too Large"; "411 ...: why\n" -> "Length Required".
  std::string_view name = text.substr(4, text.size() - 5);
  name = name.substr(0, name.find(':'));
  j.field("error", name);
  j.field_u64("status", static_cast<uint64_t>(status));
  j.field("field", "body");
  j.field("reason", reason);
  j.end_object();
  out.put('\n');
  return out.view();
}

}  // namespace

// Parses and answers buffered requests while the connection is Open.
void Server::Impl::process(Connection* c) {
  Server* srv = c->server;
  if (c->state == ConnState::ReadingBody) {
    if (!body_arrived(c)) return;
    // The whole body is in: parse the head again (pure, cheap; its views
    // died with the last read callback) and serve it without going
    // through admission a second time.
    Header headers[kMaxHeaders];
    Request req;
    req.headers = headers;
    req.num_headers = kMaxHeaders;
    int n = parse_request(c->buf, c->len, 0, req, nullptr);
    c->state = ConnState::Open;
    if (n < 0) return send_error(c, kOtherLabel, 500);  // cannot happen: it parsed before
    if (!serve(c, req, static_cast<size_t>(n))) return;
  }
  while (c->state == ConnState::Open) {
    if (c->discard > 0) {
      size_t d = c->discard < c->len ? static_cast<size_t>(c->discard) : c->len;
      std::memmove(c->buf, c->buf + d, c->len - d);
      c->len -= d;
      c->discard -= d;
      if (c->discard > 0) {
        if (c->tls) {
          long more = tls_fill(c);
          if (more < 0) return;
          if (more > 0) continue;
        }
        if (c->eof) return close(c);
        start_reading(c);
        return;
      }
    }
    if (c->len == 0 && c->tls && c->tls->has_buffered()) {
      long more = tls_fill(c);
      if (more < 0) return;
      if (more > 0) continue;
    }
    if (c->len == 0) {
      if (c->eof || srv->stopping_) return close(c);
      c->head_started = false;
      arm(c, srv->opt_.idle_timeout_ms);
      start_reading(c);
      return;
    }
    if (srv->stopping_) return close(c);  // no new requests once stopping
    if (!c->head_started) {
      c->head_started = true;
      arm(c, srv->opt_.header_timeout_ms);
    }
    Header headers[kMaxHeaders];
    Request req;
    req.headers = headers;
    req.num_headers = kMaxHeaders;
    ParseError err = ParseError::None;
    int n = parse_request(c->buf, c->len, c->last_len, req, &err);
    if (n == -2) {
      c->last_len = c->len;
      if (c->tls && c->tls->has_buffered()) {
        long more = tls_fill(c);
        if (more < 0) return;
        if (more > 0) continue;
      }
      if (c->eof) return close(c);
      start_reading(c);
      return;
    }
    c->last_len = 0;
    if (n < 0) {
      send_error(c, kOtherLabel, status_for(err));
      return;
    }
    if (!host_valid(req)) {
      // RFC 9112 §3.2: HTTP/1.1 needs exactly one Host, 1.0 at most one.
      send_error(c, kOtherLabel, 400);
      return;
    }
    if (!dispatch(c, req, static_cast<size_t>(n))) {
      // Waiting for a body (ReadingBody): it may be here already.
      if (c->state == ConnState::ReadingBody) process(c);
      return;
    }
  }
}

// ReadingBody: whether body_need bytes are in the buffer; if not, reads
// more (or closes at EOF) and returns false. Over TLS, decrypted input
// may be waiting in the session.
bool Server::Impl::body_arrived(Connection* c) {
  while (c->len < c->body_need) {
    if (c->tls && c->tls->has_buffered()) {
      long more = tls_fill(c);
      if (more < 0) return false;
      if (more > 0) continue;
    }
    if (c->eof) {
      close(c);
      return false;
    }
    start_reading(c);
    return false;
  }
  return true;
}

// An error the server answers itself, then closes. json: the route is a
// JSON API, whose clients parse every error as JSON.
void Server::Impl::send_error(Connection* c, uint8_t label, int status, bool json) {
  note_request(c, {}, {});
  Reply r;
  r.status = status;
  r.content_type = kTextPlain;
  r.body = error_body(status);
  if (json) {
    r.content_type = kJsonType;
    r.body = json_error_body(status, c->small, sizeof c->small);
  }
  r.close = true;
  c->t0 = uv_hrtime();
  c->linger = true;
  send(c, label, r, false, false, c->len);
}

// Admits a parsed request (framing, rate limit, Host, credentials: once
// per request) and serves it. False when its body is still arriving
// (the connection is then ReadingBody).
bool Server::Impl::dispatch(Connection* c, const Request& req, size_t head_len) {
  Server* srv = c->server;
  c->t0 = uv_hrtime();
  TargetParts t = split_target(req.target);
  Router::Match m = srv->router_->match(req.method, t.path);
  uint8_t label = m.route ? m.route->label : kOtherLabel;
  bool json = m.route && m.route->json_errors;
  BodyInfo bi = body_info(req, srv->opt_.max_body_bytes);
  switch (bi.kind) {
    case BodyKind::Chunked: return send_error(c, label, 411, json), true;
    case BodyKind::Invalid: return send_error(c, label, 400, json), true;
    case BodyKind::TooLarge: return send_error(c, label, 413, json), true;
    default: break;
  }
  bool head_only = req.method == "HEAD";
  bool keep = wants_keep_alive(req) && !srv->stopping_;
  uint64_t body_len = bi.kind == BodyKind::Length ? bi.length : 0;
  note_request(c, req.method, t.path);
  if (srv->access_) {
    char hdr[kAccessHeaderBytes];
    AccessVerdict v = srv->access_->check_request(c->peer, req, t.path, uv_now(srv->loop_), hdr, sizeof hdr);
    if (srv->access_->log_enabled()) c->log_user.assign(v.user);
    if (v.status != 0) {
      Reply r;
      r.status = v.status;
      r.content_type = kTextPlain;
      r.body = v.body;
      r.extra_headers = v.extra_headers;
      r.close = v.status == 400;  // a bad Host: the client is confused or hostile
      c->discard = body_len;      // any body is dropped as it arrives
      send(c, label, r, head_only, keep, head_len);
      return true;
    }
  }
  return serve(c, req, head_len);
}

// Runs the handler of an admitted request. False when the body of a
// route that takes one is not all in the buffer yet: the connection
// becomes ReadingBody and process() calls this again once it is.
bool Server::Impl::serve(Connection* c, const Request& req, size_t head_len) {
  Server* srv = c->server;
  TargetParts t = split_target(req.target);
  Router::Match m = srv->router_->match(req.method, t.path);
  uint8_t label = m.route ? m.route->label : kOtherLabel;
  BodyInfo bi = body_info(req, srv->opt_.max_body_bytes);
  bool head_only = req.method == "HEAD";
  bool keep = wants_keep_alive(req) && !srv->stopping_;
  uint64_t body_len = bi.kind == BodyKind::Length ? bi.length : 0;
  Exchange ex;
  ex.ticket = {finish_parked, srv, static_cast<uint32_t>(c - srv->conns_), c->gen};
  ex.req = &req;
  ex.peer = &c->peer;
  ex.route = m.route;
  ex.path = t.path;
  ex.query = t.query;
  ex.head = head_only;
  ex.small = c->small;
  ex.small_cap = sizeof c->small;
  size_t consumed = head_len;
  char allow[64];
  if (m.status == 404 || m.status == 405) {
    ex.reply.status = m.status;
    ex.reply.content_type = kTextPlain;
    ex.reply.body = error_body(m.status);
    if (m.status == 405) ex.reply.extra_headers = {allow, format_allow(m.route->methods, allow, sizeof allow)};
  } else if (m.route->takes_body && body_len > 0) {
    // head_len + body_len <= kMaxHeadBytes + max_body_bytes = buffer size.
    if (c->len < head_len + body_len) {
      c->state = ConnState::ReadingBody;
      c->body_need = head_len + static_cast<size_t>(body_len);
      return false;
    }
    ex.body = {c->buf + head_len, static_cast<size_t>(body_len)};
    consumed += static_cast<size_t>(body_len);
    m.route->fn(m.route->ctx, ex);
    if (srv->filter_) srv->filter_(srv->filter_ctx_, ex);
  } else {
    m.route->fn(m.route->ctx, ex);
    if (srv->filter_) srv->filter_(srv->filter_ctx_, ex);
  }
  // The body of a route that takes none is dropped as it arrives, after
  // the answer (it was within max_body_bytes).
  if (!(m.route && m.route->takes_body)) c->discard = body_len;
  if (ex.parked) return park(c, label, head_only, keep, consumed), true;
  send(c, label, ex.reply, head_only, keep, consumed);
  return true;
}

// The handler answers later: the request leaves the buffer (its views
// die), pipelined input keeps arriving, and the exchange counts as in
// flight. The idle timer is a backstop for a handler that never answers.
void Server::Impl::park(Connection* c, uint8_t label, bool head_only, bool keep, size_t consumed) {
  Server* srv = c->server;
  if (consumed > c->len) consumed = c->len;
  std::memmove(c->buf, c->buf + consumed, c->len - consumed);
  c->len -= consumed;
  c->label = label;
  c->keep_alive = keep;
  c->parked_head_only = head_only;
  c->state = ConnState::Parked;
  ++srv->in_flight_[label];
  arm(c, srv->opt_.idle_timeout_ms);
  start_reading(c);
}

bool Server::Impl::finish_parked(void* owner, uint32_t slot, uint32_t gen, const Reply& r) {
  Server* srv = static_cast<Server*>(owner);
  if (slot >= srv->fresh_) return false;
  Connection* c = &srv->conns_[slot];
  if (c->gen != gen || c->state != ConnState::Parked) return false;
  --srv->in_flight_[c->label];
  send(c, c->label, r, c->parked_head_only, c->keep_alive && !srv->stopping_, 0);
  return true;
}

// What the access log needs of a request, copied out of the read buffer.
void Server::Impl::note_request(Connection* c, std::string_view method, std::string_view path) {
  Server* srv = c->server;
  if (!srv->access_ || !srv->access_->log_enabled()) return;
  c->req_id = ++srv->next_request_id_;
  c->log_method.assign(method.substr(0, decltype(c->log_method)::capacity()));
  c->log_path.assign(path.substr(0, decltype(c->log_path)::capacity()));
  c->log_user.clear();
}

// Writes a response; consumed bytes of the read buffer (the request) are
// dropped once the head is built, since the request's views die with them.
void Server::Impl::send(Connection* c, uint8_t label, const Reply& r, bool head_only, bool keep, size_t consumed) {
  Server* srv = c->server;
  if (r.close) keep = false;
  int64_t now = static_cast<int64_t>(time(nullptr));
  if (now != srv->date_sec_) {
    format_http_date(now, srv->date_);
    srv->date_sec_ = now;
  }
  ResponseHead h;
  h.status = r.status;
  h.content_type = r.content_type;
  h.content_length = r.body.size();
  h.keep_alive = keep;
  h.extra_headers = r.extra_headers;
  char extra[kReplyHeaderBytes + kSecurityHeaderBytes];
  static_assert(kAccessHeaderBytes <= kReplyHeaderBytes);
  if (srv->access_ && r.extra_headers.size() <= kReplyHeaderBytes) {
    if (!r.extra_headers.empty()) std::memcpy(extra, r.extra_headers.data(), r.extra_headers.size());
    bool own_csp = r.extra_headers.find("Content-Security-Policy:") != std::string_view::npos;
    size_t n = srv->access_->security_headers(r.content_type, c->https, extra + r.extra_headers.size(),
                                              sizeof extra - r.extra_headers.size(), own_csp);
    h.extra_headers = {extra, r.extra_headers.size() + n};
  }
  h.date = {srv->date_, kHttpDateBytes};
  OutBuffer out(c->head, sizeof c->head);
  int status = r.status;
  std::string_view body = r.body;
  if (!build_response_head(h, out)) {
    // Only a bug (an oversized extra header) gets here.
    if (r.body_slot != BodyPool::kNone) srv->pool_->unpin(r.body_slot);
    out.reset(c->head, sizeof c->head);
    ResponseHead e;
    e.status = status = 500;
    e.content_type = kTextPlain;
    body = error_body(500);
    e.content_length = body.size();
    e.keep_alive = keep = false;
    build_response_head(e, out);
    c->body_slot = BodyPool::kNone;
  } else {
    c->body_slot = r.body_slot;
  }
  srv->stats_.count_status(label, status);
  if (consumed > c->len) consumed = c->len;
  std::memmove(c->buf, c->buf + consumed, c->len - consumed);
  c->len -= consumed;
  c->label = label;
  c->keep_alive = keep;
  c->state = ConnState::Writing;
  c->write_pending = true;
  ++srv->in_flight_[label];
  c->out[0] = uv_buf_init(c->head, static_cast<unsigned>(out.size()));
  unsigned nbufs = 1;
  if (!head_only && !body.empty()) c->out[nbufs++] = uv_buf_init(const_cast<char*>(body.data()), static_cast<unsigned>(body.size()));
  arm(c, srv->opt_.idle_timeout_ms);  // a client that stops reading
  c->nout = nbufs;
  c->log_status = status;
  c->log_bytes = nbufs > 1 ? body.size() : 0;
  if (c->tls) {
    c->tls_seg = 0;
    c->tls_off = c->tls_chunk = 0;
    tls_flush(c);
    if (c->state == ConnState::Writing) start_reading(c);
    return;
  }
  int rc = uv_write(&c->write_req, reinterpret_cast<uv_stream_t*>(&c->tcp), c->out, nbufs, write_cb);
  if (rc != 0) {
    write_done(c, rc);
    return;
  }
  start_reading(c);  // buffer the next pipelined request meanwhile
}

void Server::Impl::write_done(Connection* c, int status) {
  Server* srv = c->server;
  c->write_pending = false;
  --srv->in_flight_[c->label];
  if (c->body_slot != BodyPool::kNone) {
    srv->pool_->unpin(c->body_slot);
    c->body_slot = BodyPool::kNone;
  }
  double seconds = static_cast<double>(uv_hrtime() - c->t0) / 1e9;
  srv->stats_.observe(c->label, seconds);
  if (srv->access_ && srv->access_->log_enabled()) {
    AccessRecord a;
    a.id = c->req_id;
    a.peer = &c->peer;
    a.method = c->log_method.view();
    a.path = c->log_path.view();
    a.user = c->log_user.view();
    a.status = c->log_status;
    a.bytes = status < 0 ? 0 : c->log_bytes;
    a.duration_s = seconds;
    a.https = c->https;
    log_access(a);
  }
  if (c->state != ConnState::Writing) return;  // closing already (cancelled write)
  if (status < 0) return close(c);
  if (!c->keep_alive || srv->stopping_) {
    // An error answer may have left request bytes unread: linger.
    if (!c->eof && (c->linger || c->len > 0 || c->discard > 0)) return linger_close(c);
    return close(c);
  }
  c->state = ConnState::Open;
  c->head_started = false;
  process(c);
}
}  // namespace edgestat::http

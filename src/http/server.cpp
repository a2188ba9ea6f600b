#include "http/server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "config/sizes.hpp"
#include "core/checked.hpp"
#include "core/json_writer.hpp"
#include "core/listen_address.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "core/sort.hpp"
#include "http/access_policy.hpp"
#include "http/query.hpp"
#include "http/request_parser.hpp"
#include "http/tls_session.hpp"

namespace edgestat::http {

static_assert(kConnectionHeadBytes == kMaxHeadBytes, "config/sizes.hpp checks the read buffers with this head size");

enum class ConnState : uint8_t {
  Free,       // in the free list, handles closed
  Open,       // waiting for or receiving a request head
  ReadingBody,  // head parsed and admitted (rate limit, Host, credentials):
                // waiting for body_need bytes; the head is parsed again when
                // they are in, never re-admitted or re-charged
  Writing,    // a response is being written; input is buffered, not parsed
  Parked,     // the handler answers later (ParkTicket); input is buffered, not parsed
  Lingering,  // our side shut down after an error; draining input until EOF or kLingerMs
  Closing,    // uv_close called, waiting for both close callbacks
};

struct Connection {
  uv_tcp_t tcp;
  uv_timer_t timer;
  uv_write_t write_req;
  uv_shutdown_t shutdown_req;
  Server* server = nullptr;
  Connection* next_free = nullptr;
  char* buf = nullptr;  // read buffer: head and (for takes_body routes) body
  size_t len = 0;       // bytes in buf
  size_t last_len = 0;  // parse_request's resume hint
  uint64_t discard = 0; // body bytes of the answered request still to drop
  size_t body_need = 0; // ReadingBody: head plus body bytes the request needs in buf
  ConnState state = ConnState::Free;
  bool reading = false;
  bool eof = false;
  bool keep_alive = false;
  bool head_started = false;  // the header deadline is armed for this request
  bool write_pending = false;
  bool linger = false;  // an error answer: drain input after it before closing
  bool parked_head_only = false;
  uint32_t gen = 0;     // bumped at each close: a ParkTicket of an earlier use is stale
  uint8_t closes_pending = 0;
  uint8_t label = kOtherLabel;  // the route label of the response being written
  int body_slot = BodyPool::kNone;
  uint64_t t0 = 0;  // uv_hrtime() when the request was dispatched
  uv_buf_t out[2];
  unsigned nout = 0;
  // HTTPS: the session from the server's TLS pool, and the plaintext write
  // in progress: out[tls_seg] from tls_off, and the length of a
  // mbedtls_ssl_write that answered WANT (retried with the same arguments).
  TlsSession* tls = nullptr;
  unsigned tls_seg = 0;
  size_t tls_off = 0, tls_chunk = 0;
  bool tls_failed = false;  // a TLS error: the timer (armed at 0) closes next turn
  bool https = false;
  IpAddr peer;
  // The access log's view of the request, copied at dispatch because the
  // request's bytes leave the buffer before the response is written.
  uint64_t req_id = 0;
  FixedString<16> log_method;
  FixedString<256> log_path;
  FixedString<64> log_user;
  int log_status = 0;
  uint64_t log_bytes = 0;
  char head[kResponseHeadBytes];
  char small[kSmallBodyBytes];
};

struct Listener {
  uv_tcp_t tcp;
  Server* server = nullptr;
  bool pending = false;  // a connection waits in the kernel for a free slot
  bool open = false;
  bool tls = false;      // HTTPS
};

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

struct Server::Impl {
  static Connection* conn(uv_handle_t* h) { return static_cast<Connection*>(h->data); }

  static void arm(Connection* c, uint64_t ms) {
    uv_timer_start(&c->timer, timer_cb, ms, 0);
  }

  static void start_reading(Connection* c) {
    if (c->reading || c->eof || c->tls_failed) return;
    bool tls_in = c->tls && c->state != ConnState::Lingering;
    if (tls_in ? c->tls->in_full() : c->len >= c->server->buf_cap_) return;
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), alloc_cb, read_cb) == 0) c->reading = true;
  }

  static void stop_reading(Connection* c) {
    if (!c->reading) return;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&c->tcp));
    c->reading = false;
  }

  static void alloc_cb(uv_handle_t* h, size_t, uv_buf_t* b) {
    Connection* c = conn(h);
    if (c->tls && c->state != ConnState::Lingering) {
      size_t room = 0;
      b->base = c->tls->in_space(&room);  // ciphertext waits in the session
      b->len = room;
      return;
    }
    if (c->state == ConnState::Lingering) c->len = 0;  // drained input is dropped
    // A zero-length buffer makes libuv report UV_ENOBUFS; read_cb stops
    // reading then (it stops earlier, when the buffer fills, anyway).
    b->base = c->buf + c->len;
    b->len = c->server->buf_cap_ - c->len;
  }

  static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
    Connection* c = conn(reinterpret_cast<uv_handle_t*>(s));
    if (nread == 0) return;  // EAGAIN
    if (c->tls && c->state != ConnState::Lingering) {
      tls_read(c, nread);
      return;
    }
    if (c->state == ConnState::Lingering) {
      if (nread < 0) close(c);
      else c->len = 0;
      return;
    }
    if (nread < 0) {
      if (nread != UV_EOF && nread != UV_ENOBUFS) {
        close(c);  // reset or error: nothing more can be answered
        return;
      }
      if (nread == UV_EOF) c->eof = true;
      stop_reading(c);
    } else {
      c->len += static_cast<size_t>(nread);
      if (c->len >= c->server->buf_cap_) stop_reading(c);
    }
    if (c->state == ConnState::Open || c->state == ConnState::ReadingBody) process(c);
  }

  static void timer_cb(uv_timer_t* t) {
    Connection* c = conn(reinterpret_cast<uv_handle_t*>(t));
    if (c->tls_failed) return close(c);  // an error deferred to this turn
    if (c->tls && c->state == ConnState::Open && !c->tls->handshake_done()) {
      ++c->server->tls_stats_.handshake_timeouts;
      return close(c);
    }
    // A request head that did not arrive in time: counted like nginx's 408,
    // nothing is sent (the client is either gone or an attacker).
    // A body that did not arrive within the same deadline counts the same.
    if ((c->state == ConnState::Open && c->head_started) || c->state == ConnState::ReadingBody)
      c->server->stats_.count_status(kOtherLabel, 408);
    // A parked exchange its handler never answered: counted as the 503 it is.
    if (c->state == ConnState::Parked) c->server->stats_.count_status(c->label, 503);
    close(c);
  }

  static void close_cb(uv_handle_t* h) {
    Connection* c = conn(h);
    if (--c->closes_pending > 0) return;
    Server* srv = c->server;
    if (c->tls) {
      // Frees mbedTLS's record buffers and the context reference.
      c->tls->end();
      srv->tls_free_[srv->tls_nfree_++] = c->tls;
      --srv->tls_stats_.open;
      c->tls = nullptr;
    }
    c->state = ConnState::Free;
    c->next_free = srv->free_;
    srv->free_ = c;
    --srv->open_;
    if (srv->stopping_) {
      maybe_done(srv);
      return;
    }
    // A slot freed: take one connection waiting in a listener's backlog,
    // which also makes libuv poll that listener again.
    for (size_t k = 0; k < srv->nlisteners_; ++k) {
      Listener& li = srv->listeners_[(srv->next_listener_ + k) % srv->nlisteners_];
      if (li.pending && li.open && (!li.tls || srv->tls_nfree_ > 0)) {
        li.pending = false;
        srv->next_listener_ = (srv->next_listener_ + k + 1) % srv->nlisteners_;
        accept_into(&li);
        break;
      }
    }
  }

  static void close(Connection* c) {
    if (c->state == ConnState::Closing || c->state == ConnState::Free) return;
    if (c->state == ConnState::Parked) --c->server->in_flight_[c->label];
    ++c->gen;
    stop_reading(c);
    tls_goodbye(c);
    c->state = ConnState::Closing;
    c->closes_pending = 2;
    uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), close_cb);
    uv_close(reinterpret_cast<uv_handle_t*>(&c->timer), close_cb);
  }

  static void shutdown_cb(uv_shutdown_t*, int) {}

  // Half-closes our side and drains input briefly, so a client still
  // sending (a large body we refused) reads our answer, not a reset.
  static void linger_close(Connection* c) {
    c->linger = false;
    tls_goodbye(c);
    c->state = ConnState::Lingering;
    c->len = 0;
    if (uv_shutdown(&c->shutdown_req, reinterpret_cast<uv_stream_t*>(&c->tcp), shutdown_cb) != 0) {
      close(c);
      return;
    }
    if (c->eof) {
      close(c);
      return;
    }
    arm(c, kLingerMs);
    start_reading(c);
  }

  static void connection_cb(uv_stream_t* l, int status) {
    Listener* li = static_cast<Listener*>(l->data);
    Server* srv = li->server;
    if (status < 0) {
      log_warn("accept failed", {{"err", uv_strerror(status)}});
      return;
    }
    if (srv->stopping_) return;
    bool full = !srv->free_ && srv->fresh_ == srv->opt_.max_connections;
    if (full || (li->tls && srv->tls_nfree_ == 0)) {
      // At the cap: not calling uv_accept leaves the connection in the
      // kernel and stops libuv polling this listener until a slot frees.
      li->pending = true;
      // Make that happen now if a client holds more than its share with
      // connections that are doing nothing (idle, or a head or body
      // trickling in): the one closed frees the slot the newcomer takes.
      evict_one(srv, !full);
      return;
    }
    accept_into(li);
  }

  static void accept_into(Listener* li) {
    Server* srv = li->server;
    Connection* c = srv->free_;
    if (c) {
      srv->free_ = c->next_free;
    } else {
      c = new (&srv->conns_[srv->fresh_]) Connection();
      c->server = srv;
      c->buf = srv->bufs_ + srv->fresh_ * srv->buf_cap_;
      ++srv->fresh_;
    }
    ++srv->open_;
    c->state = ConnState::Open;
    c->len = c->last_len = 0;
    c->discard = 0;
    c->reading = c->eof = c->head_started = c->write_pending = c->linger = false;
    c->keep_alive = false;
    c->body_slot = BodyPool::kNone;
    uv_tcp_init(srv->loop_, &c->tcp);
    uv_timer_init(srv->loop_, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    c->write_req.data = c;
    c->shutdown_req.data = c;
    c->tls = nullptr;
    c->tls_failed = false;
    c->https = li->tls;
    c->peer = IpAddr{};
    if (uv_accept(reinterpret_cast<uv_stream_t*>(&li->tcp), reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
      close(c);
      return;
    }
    // The allowlist, before any TLS state: a refused peer costs an accept
    // and a close, nothing else.
    sockaddr_storage ss;
    int sl = sizeof ss;
    bool have_peer = uv_tcp_getpeername(&c->tcp, reinterpret_cast<sockaddr*>(&ss), &sl) == 0 &&
                     ip_from_sockaddr(reinterpret_cast<sockaddr*>(&ss), &c->peer);
    if (srv->access_ && (!have_peer || !srv->access_->peer_allowed(c->peer))) {
      srv->access_->stats().count(Refusal::Allowlist);
      close(c);
      return;
    }
    if (srv->access_) {
      ClientCount n = client_connections(srv, c);
      if (n.all >= srv->access_->max_connections_per_client() ||
          (li->tls && n.tls >= srv->access_->tls_connections_per_client())) {
        srv->access_->stats().count(Refusal::ClientConnections);
        close(c);
        return;
      }
    }
    uv_tcp_nodelay(&c->tcp, 1);
    if (li->tls) {
      int err = 0;
      TlsSession* t = srv->tls_nfree_ > 0 && srv->tls_ctx_ ? srv->tls_free_[--srv->tls_nfree_] : nullptr;
      if (!t || !t->begin(srv->tls_ctx_, &err)) {
        if (t) {
          srv->tls_free_[srv->tls_nfree_++] = t;
          TlsError e;
          tls_strerror(err, &e);
          log_warn("cannot start a TLS session", {{"err", e.view()}});
        }
        close(c);
        return;
      }
      c->tls = t;
      ++srv->tls_stats_.open;
      arm(c, srv->opt_.handshake_timeout_ms);
      start_reading(c);
      return;
    }
    process(c);
  }

  struct ClientCount {
    uint32_t all = 0, tls = 0;
  };

  // Connections the client of c holds besides c (a scan of the pool: a few
  // hundred 16-byte compares per accept, no table to keep in step).
  static ClientCount client_connections(Server* srv, const Connection* c) {
    IpAddr k = client_key(c->peer);
    ClientCount n;
    for (uint32_t i = 0; i < srv->fresh_; ++i) {
      const Connection& o = srv->conns_[i];
      if (&o == c || o.state == ConnState::Free || o.state == ConnState::Closing) continue;
      if (!(client_key(o.peer) == k)) continue;
      ++n.all;
      if (o.tls) ++n.tls;
    }
    return n;
  }

  // Idle keep-alive, a head still arriving, a TLS handshake, a body
  // trickling in: nothing is owed to the client, so closing it loses no
  // answer. (Writing and Lingering connections are finishing.)
  static bool evictable(const Connection& o, bool tls_only) {
    if (o.state != ConnState::Open && o.state != ConnState::ReadingBody) return false;
    return !tls_only || o.tls;
  }

  // The server is full (tls_only: the TLS pool is) and a newcomer waits.
  // Closes one evictable connection of the client that holds the most
  // connections, if that client is at or over its cap; true if one was
  // closed. The clients are grouped by sorting the pool's indices by key
  // (evict_order_, reserved at init): O(n log n), and only when full.
  static bool evict_one(Server* srv, bool tls_only) {
    if (!srv->access_ || srv->stopping_) return false;
    uint32_t cap = tls_only ? srv->access_->tls_connections_per_client() : srv->access_->max_connections_per_client();
    uint32_t* ord = srv->evict_order_;
    uint32_t n = 0;
    for (uint32_t i = 0; i < srv->fresh_; ++i) {
      const Connection& o = srv->conns_[i];
      if (o.state == ConnState::Free || o.state == ConnState::Closing) continue;
      if (tls_only && !o.tls) continue;
      ord[n++] = i;
    }
    Connection* conns = srv->conns_;
    edgestat::sort(ord, ord + n, [conns](uint32_t a, uint32_t b) {
      IpAddr ka = client_key(conns[a].peer), kb = client_key(conns[b].peer);
      return std::memcmp(ka.b, kb.b, sizeof ka.b) < 0;
    });
    Connection* victim = nullptr;
    uint32_t most = 0;
    for (uint32_t i = 0; i < n;) {
      IpAddr k = client_key(conns[ord[i]].peer);
      uint32_t j = i;
      Connection* pick = nullptr;
      for (; j < n && client_key(conns[ord[j]].peer) == k; ++j) {
        Connection& o = conns[ord[j]];
        // Prefer a connection that has sent nothing of a request (idle),
        // then any slow one.
        if (evictable(o, tls_only) && (!pick || (pick->len > 0 && o.len == 0))) pick = &o;
      }
      uint32_t count = j - i;
      if (pick && count >= cap && count > most) {
        most = count;
        victim = pick;
      }
      i = j;
    }
    if (!victim) return false;
    srv->access_->stats().count(Refusal::Evicted);
    close(victim);
    return true;
  }

  // ---- TLS (http/tls_session.hpp) ----

  // Ciphertext arrived (or EOF/error) on an HTTPS connection.
  static void tls_read(Connection* c, ssize_t nread) {
    if (c->tls_failed) return;
    if (nread < 0) {
      if (nread != UV_EOF && nread != UV_ENOBUFS) return close(c);
      if (nread == UV_EOF) c->eof = true;
      stop_reading(c);
    } else {
      c->tls->in_commit(static_cast<size_t>(nread));
      if (c->tls->in_full()) stop_reading(c);
    }
    // While a response is written, input only accumulates (like the plain
    // path's buffering); it is decrypted once the connection is Open again.
    if (c->state == ConnState::Open || c->state == ConnState::ReadingBody) tls_pump(c);
  }

  // Runs the handshake while it lasts, then decrypts and parses.
  static void tls_pump(Connection* c) {
    Server* srv = c->server;
    TlsSession* t = c->tls;
    if (!t->handshake_done()) {
      int rc = t->handshake();
      if (!tls_push(c)) return;
      if (rc == TlsSession::kWant) {
        if (c->eof) return close(c);
        start_reading(c);
        return;
      }
      if (rc < 0) return tls_fail(c, rc, "handshake failed");
      if (!t->client_acceptable()) return tls_fail(c, 0, "client certificate refused");
      ++srv->tls_stats_.handshakes_ok;
      c->head_started = false;
    }
    if (c->state != ConnState::Open && c->state != ConnState::ReadingBody) return;
    if (tls_fill(c) < 0) return;
    process(c);
  }

  // Decrypts buffered input into the read buffer: the bytes added, or -1
  // once an error has been scheduled.
  static long tls_fill(Connection* c) {
    size_t cap = c->server->buf_cap_;
    long added = 0;
    while (c->len < cap) {
      int n = c->tls->read(c->buf + c->len, cap - c->len);
      if (n > 0) {
        c->len += static_cast<size_t>(n);
        added += n;
        continue;
      }
      if (n == TlsSession::kWant) break;
      if (n == TlsSession::kPeerClosed) {
        c->eof = true;
        break;
      }
      tls_fail(c, n, "read failed");
      return -1;
    }
    if (!tls_push(c)) return -1;
    return added;
  }

  // A TLS error: counted, logged, and acted on at the next loop turn (the
  // timer at 0), so no caller up the stack sees its connection vanish.
  static void tls_fail(Connection* c, int rc, const char* what) {
    Server* srv = c->server;
    bool handshake = !c->tls->handshake_done() || std::string_view(what) == "client certificate refused";
    if (handshake) ++srv->tls_stats_.handshakes_failed;
    TlsError e;
    if (rc != 0) tls_strerror(rc, &e);
    char peer[kIpTextBytes];
    size_t pn = format_ip(c->peer, peer, sizeof peer);
    log_info(what, {{"peer", std::string_view(peer, pn)}, {"err", e.view()}});
    c->tls_failed = true;
    stop_reading(c);
    arm(c, 0);
  }

  // Starts writing the ciphertext mbedTLS produced unless a write is in
  // flight. False if the write could not start (the connection is closing).
  static bool tls_push(Connection* c) {
    TlsSession* t = c->tls;
    if (t->out_busy() || t->out_pending().empty()) return true;
    t->out_begin();
    std::string_view o = t->out_pending();
    uv_buf_t b = uv_buf_init(const_cast<char*>(o.data()), static_cast<unsigned>(o.size()));
    int rc = uv_write(&c->write_req, reinterpret_cast<uv_stream_t*>(&c->tcp), &b, 1, tls_write_cb);
    if (rc == 0) return true;
    t->out_sent();
    if (c->write_pending) write_done(c, rc);
    else close(c);
    return false;
  }

  static void tls_write_cb(uv_write_t* req, int status) {
    Connection* c = static_cast<Connection*>(req->data);
    if (!c->tls) return;
    c->tls->out_sent();
    if (status < 0) {
      if (c->write_pending) return write_done(c, status);
      return close(c);
    }
    if (c->tls_failed || c->state == ConnState::Closing || c->state == ConnState::Free) return;
    if (c->state == ConnState::Writing) return tls_flush(c);
    if (!c->tls->handshake_done()) return tls_pump(c);
    tls_push(c);  // output queued while that write was in flight
  }

  // Encrypts the response in out[] record by record; write_done once the
  // last ciphertext byte is written.
  static void tls_flush(Connection* c) {
    TlsSession* t = c->tls;
    while (c->tls_seg < c->nout) {
      const uv_buf_t& b = c->out[c->tls_seg];
      if (c->tls_off >= b.len) {
        ++c->tls_seg;
        c->tls_off = 0;
        continue;
      }
      size_t left = b.len - c->tls_off;
      size_t len = c->tls_chunk ? c->tls_chunk : (left < kTlsWriteChunk ? left : kTlsWriteChunk);
      int n = t->write(b.base + c->tls_off, len);
      if (n == TlsSession::kWant) {
        c->tls_chunk = len;  // mbedTLS wants exactly these arguments again
        break;
      }
      if (n < 0) {
        c->tls_failed = true;
        return write_done(c, UV_EPROTO);
      }
      c->tls_chunk = 0;
      c->tls_off += static_cast<size_t>(n);
    }
    if (!t->out_busy() && !t->out_pending().empty()) {
      tls_push(c);
      return;
    }
    if (c->tls_seg >= c->nout && !t->out_busy()) write_done(c, 0);
  }

  // Best effort close_notify before our side closes: written now if the
  // socket takes it, dropped otherwise (the peer sees a plain FIN).
  static void tls_goodbye(Connection* c) {
    TlsSession* t = c->tls;
    if (!t || c->tls_failed || !t->handshake_done() || t->out_busy()) return;
    if (t->close_notify() != 0) return;
    std::string_view o = t->out_pending();
    uv_buf_t b = uv_buf_init(const_cast<char*>(o.data()), static_cast<unsigned>(o.size()));
    if (!o.empty()) uv_try_write(reinterpret_cast<uv_stream_t*>(&c->tcp), &b, 1);
    t->out_sent();
  }

  static void maybe_done(Server* srv) {
    if (!srv->stopping_ || srv->open_ > 0 || srv->listeners_open_ > 0) return;
    if (srv->stop_timer_open_) {
      srv->stop_timer_open_ = false;
      uv_close(reinterpret_cast<uv_handle_t*>(&srv->stop_timer_), nullptr);
    }
    if (srv->done_) {
      auto done = srv->done_;
      srv->done_ = nullptr;
      done(srv->done_ctx_);
    }
  }

  static void listener_close_cb(uv_handle_t* h) {
    Listener* li = static_cast<Listener*>(h->data);
    --li->server->listeners_open_;
    maybe_done(li->server);
  }

  static void stop_timer_cb(uv_timer_t* t) {
    Server* srv = static_cast<Server*>(t->data);
    log_warn("shutdown deadline passed, closing connections", {{"open", srv->open_}});
    for (uint32_t i = 0; i < srv->fresh_; ++i) close(&srv->conns_[i]);
  }

  // Parses and answers buffered requests while the connection is Open.
  static void process(Connection* c) {
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
  static bool body_arrived(Connection* c) {
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
  static void send_error(Connection* c, uint8_t label, int status, bool json = false) {
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
  static bool dispatch(Connection* c, const Request& req, size_t head_len) {
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
  static bool serve(Connection* c, const Request& req, size_t head_len) {
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
  static void park(Connection* c, uint8_t label, bool head_only, bool keep, size_t consumed) {
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

  static bool finish_parked(void* owner, uint32_t slot, uint32_t gen, const Reply& r) {
    Server* srv = static_cast<Server*>(owner);
    if (slot >= srv->fresh_) return false;
    Connection* c = &srv->conns_[slot];
    if (c->gen != gen || c->state != ConnState::Parked) return false;
    --srv->in_flight_[c->label];
    send(c, c->label, r, c->parked_head_only, c->keep_alive && !srv->stopping_, 0);
    return true;
  }

  // What the access log needs of a request, copied out of the read buffer.
  static void note_request(Connection* c, std::string_view method, std::string_view path) {
    Server* srv = c->server;
    if (!srv->access_ || !srv->access_->log_enabled()) return;
    c->req_id = ++srv->next_request_id_;
    c->log_method.assign(method.substr(0, decltype(c->log_method)::capacity()));
    c->log_path.assign(path.substr(0, decltype(c->log_path)::capacity()));
    c->log_user.clear();
  }

  // Writes a response; consumed bytes of the read buffer (the request) are
  // dropped once the head is built, since the request's views die with them.
  static void send(Connection* c, uint8_t label, const Reply& r, bool head_only, bool keep, size_t consumed) {
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

  static void write_cb(uv_write_t* req, int status) { write_done(static_cast<Connection*>(req->data), status); }

  static void write_done(Connection* c, int status) {
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
};

Server::~Server() {
  release_array(tls_pool_, opt_.max_tls_connections);
  release_array(tls_free_, opt_.max_tls_connections);
  if (tls_ctx_) tls_ctx_->unref();
  release_storage(conns_, fresh_, opt_.max_connections);
  release_array(bufs_, bufs_bytes_);
  release_array(listeners_, kMaxListeners);
  release_array(evict_order_, opt_.max_connections);
}

bool Server::init(uv_loop_t* loop, const ServerOptions& o, Router* router, BodyPool* pool) {
  loop_ = loop;
  opt_ = o;
  router_ = router;
  pool_ = pool;
  // Checked: on 32-bit builds a large config must fail here, not wrap to
  // a small buffer that reads would run past (config validation says why).
  if (!alloc_size(1, kMaxHeadBytes + o.max_body_bytes, &buf_cap_) ||
      !alloc_size(o.max_connections, buf_cap_, &bufs_bytes_)) {
    log_error("connection buffers do not fit in memory", {{"max_connections", uint64_t{o.max_connections}},
                                                          {"max_body_bytes", o.max_body_bytes}});
    return false;
  }
  conns_ = reserve_storage<Connection>(o.max_connections);  // constructed on first use
  bufs_ = reserve_array<char>(bufs_bytes_);
  listeners_ = reserve_array<Listener>(kMaxListeners);
  evict_order_ = reserve_array<uint32_t>(o.max_connections);
  if (!conns_ || !bufs_ || !listeners_ || !evict_order_) return false;
  if (o.max_tls_connections > 0) {
    tls_pool_ = reserve_array<TlsSession>(o.max_tls_connections);
    tls_free_ = reserve_array<TlsSession*>(o.max_tls_connections);
    if (!tls_pool_ || !tls_free_) return false;
    for (uint32_t i = o.max_tls_connections; i-- > 0;) tls_free_[tls_nfree_++] = &tls_pool_[i];
  }
  return true;
}

namespace {

// Text form of a bound address: "127.0.0.1:9100", "[::]:9100".
void append_sockname(uv_tcp_t* t, FixedString<512>& out) {
  sockaddr_storage ss;
  int len = sizeof ss;
  if (uv_tcp_getsockname(t, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return;
  char ip[64];
  int port = 0;
  if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    uv_ip6_name(a, ip, sizeof ip);
    port = ntohs(a->sin6_port);
    out.append("[");
    out.append(ip);
    out.append("]");
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    uv_ip4_name(a, ip, sizeof ip);
    port = ntohs(a->sin_port);
    out.append(ip);
  }
  char p[8];
  OutBuffer pb(p, sizeof p);
  pb.put(':');
  pb.put_u64(static_cast<uint64_t>(port));
  out.append(pb.view());
}

}  // namespace

void Server::set_tls_context(TlsContext* ctx) {
  if (ctx) ctx->ref();
  if (tls_ctx_) tls_ctx_->unref();
  tls_ctx_ = ctx;
}

bool Server::listen(const ConfigList& addresses, bool tls) {
  if (tls && (!tls_ctx_ || !tls_pool_)) {
    log_error("HTTPS listeners need a TLS context and [tls] max_connections");
    return false;
  }
  for (const ConfigString& a : addresses) {
    FixedString<64> host;
    uint16_t port = 0;
    const char* why = "";
    if (!parse_listen_address(a.view(), &host, &port, &why) || nlisteners_ == kMaxListeners) {
      log_error("bad listen address", {{"address", a.view()}, {"err", why}});
      return false;
    }
    Listener& li = listeners_[nlisteners_];
    li.server = this;
    li.tls = tls;
    li.tcp.data = &li;
    sockaddr_storage ss;
    std::memset(&ss, 0, sizeof ss);
    int rc = 0;
    bool any = host.empty();
    bool v6 = any || host.view().find(':') != std::string_view::npos;
    if (v6) {
      rc = uv_ip6_addr(any ? "::" : host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss));
      if (rc == 0) rc = uv_tcp_init_ex(loop_, &li.tcp, AF_INET6);
      if (rc != 0 && any) {
        // No IPv6 on this host (kernel without it, or disabled): IPv4 only.
        log_info("IPv6 unavailable, listening on IPv4 only", {{"address", a.view()}, {"err", uv_strerror(rc)}});
        v6 = false;
      }
    }
    if (!v6) {
      std::string_view h = host.view();
      const char* ip = any ? "0.0.0.0" : h == "localhost" ? "127.0.0.1" : host.c_str();
      rc = uv_ip4_addr(ip, port, reinterpret_cast<sockaddr_in*>(&ss));
      if (rc == 0) rc = uv_tcp_init_ex(loop_, &li.tcp, AF_INET);
    }
    if (rc != 0) {
      log_error("cannot create listener", {{"address", a.view()}, {"err", uv_strerror(rc)}});
      return false;
    }
    li.open = true;
    ++nlisteners_;
    ++listeners_open_;
    li.tcp.data = &li;
    if (v6 && any) {
      // Dual-stack whatever net.ipv6.bindv6only says, like Go's ":9100".
      uv_os_fd_t fd;
      int off = 0;
      if (uv_fileno(reinterpret_cast<uv_handle_t*>(&li.tcp), &fd) == 0)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    rc = uv_tcp_bind(&li.tcp, reinterpret_cast<sockaddr*>(&ss), 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&li.tcp), kListenBacklog, Impl::connection_cb);
    if (rc != 0) {
      log_error("cannot listen", {{"address", a.view()}, {"err", uv_strerror(rc)}});
      return false;
    }
    if (!summary_.empty()) summary_.append(",");
    if (tls) summary_.append("https://");
    append_sockname(&li.tcp, summary_);
  }
  return true;
}

uint32_t Server::client_in_flight(const IpAddr& peer, uint8_t label) const {
  IpAddr k = client_key(peer);
  uint32_t n = 0;
  for (uint32_t i = 0; i < fresh_; ++i) {
    const Connection& c = conns_[i];
    if (c.state == ConnState::Writing && c.write_pending && c.label == label && client_key(c.peer) == k) ++n;
  }
  return n;
}

void Server::shutdown(uint64_t deadline_ms, void (*done)(void*), void* ctx) {
  if (stopping_) return;
  stopping_ = true;
  done_ = done;
  done_ctx_ = ctx;
  for (size_t i = 0; i < nlisteners_; ++i) {
    Listener& li = listeners_[i];
    if (!li.open) continue;
    li.open = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&li.tcp), Impl::listener_close_cb);
  }
  for (uint32_t i = 0; i < fresh_; ++i) {
    Connection& c = conns_[i];
    // Idle and half-received requests go now; a response being written
    // finishes and then closes (write_done sees stopping_).
    if (c.state == ConnState::Open || c.state == ConnState::ReadingBody) Impl::close(&c);
  }
  if (open_ > 0) {
    uv_timer_init(loop_, &stop_timer_);
    stop_timer_.data = this;
    stop_timer_open_ = true;
    uv_timer_start(&stop_timer_, Impl::stop_timer_cb, deadline_ms, 0);
  }
  Impl::maybe_done(this);
}

}  // namespace edgestat::http

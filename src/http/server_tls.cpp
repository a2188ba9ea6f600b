#include "http/server_impl.hpp"

#include "core/log.hpp"

namespace edgestat::http {

// Moving bytes through the connection's TLS session (http/tls_session.hpp).

// Ciphertext arrived (or EOF/error) on an HTTPS connection.
void Server::Impl::tls_read(Connection* c, ssize_t nread) {
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
void Server::Impl::tls_pump(Connection* c) {
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
long Server::Impl::tls_fill(Connection* c) {
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
void Server::Impl::tls_fail(Connection* c, int rc, const char* what) {
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
bool Server::Impl::tls_push(Connection* c) {
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

void Server::Impl::tls_write_cb(uv_write_t* req, int status) {
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
void Server::Impl::tls_flush(Connection* c) {
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
void Server::Impl::tls_goodbye(Connection* c) {
  TlsSession* t = c->tls;
  if (!t || c->tls_failed || !t->handshake_done() || t->out_busy()) return;
  if (t->close_notify() != 0) return;
  std::string_view o = t->out_pending();
  uv_buf_t b = uv_buf_init(const_cast<char*>(o.data()), static_cast<unsigned>(o.size()));
  if (!o.empty()) uv_try_write(reinterpret_cast<uv_stream_t*>(&c->tcp), &b, 1);
  t->out_sent();
}
}  // namespace edgestat::http

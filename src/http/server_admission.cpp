#include "http/server_impl.hpp"

#include <sys/socket.h>

#include <cstring>

#include "core/log.hpp"
#include "core/sort.hpp"

namespace edgestat::http {

void Server::Impl::connection_cb(uv_stream_t* l, int status) {
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

void Server::Impl::accept_into(Listener* li) {
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

// Connections the client of c holds besides c (a scan of the pool: a few
// hundred 16-byte compares per accept, no table to keep in step).
Server::Impl::ClientCount Server::Impl::client_connections(Server* srv, const Connection* c) {
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
bool Server::Impl::evictable(const Connection& o, bool tls_only) {
  if (o.state != ConnState::Open && o.state != ConnState::ReadingBody) return false;
  return !tls_only || o.tls;
}

// The server is full (tls_only: the TLS pool is) and a newcomer waits.
// Closes one evictable connection of the client that holds the most
// connections, if that client is at or over its cap; true if one was
// closed. The clients are grouped by sorting the pool's indices by key
// (evict_order_, reserved at init): O(n log n), and only when full.
bool Server::Impl::evict_one(Server* srv, bool tls_only) {
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
}  // namespace edgestat::http

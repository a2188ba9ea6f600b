#include "http/server_impl.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "core/checked.hpp"
#include "core/listen_address.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"

namespace edgestat::http {

static_assert(kConnectionHeadBytes == kMaxHeadBytes, "config/sizes.hpp checks the read buffers with this head size");

void Server::Impl::arm(Connection* c, uint64_t ms) {
  uv_timer_start(&c->timer, timer_cb, ms, 0);
}

void Server::Impl::start_reading(Connection* c) {
  if (c->reading || c->eof || c->tls_failed) return;
  bool tls_in = c->tls && c->state != ConnState::Lingering;
  if (tls_in ? c->tls->in_full() : c->len >= c->server->buf_cap_) return;
  if (uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), alloc_cb, read_cb) == 0) c->reading = true;
}

void Server::Impl::stop_reading(Connection* c) {
  if (!c->reading) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&c->tcp));
  c->reading = false;
}

void Server::Impl::alloc_cb(uv_handle_t* h, size_t, uv_buf_t* b) {
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

void Server::Impl::read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
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

void Server::Impl::timer_cb(uv_timer_t* t) {
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

void Server::Impl::close_cb(uv_handle_t* h) {
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

void Server::Impl::close(Connection* c) {
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

// Half-closes our side and drains input briefly, so a client still
// sending (a large body we refused) reads our answer, not a reset.
void Server::Impl::linger_close(Connection* c) {
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

void Server::Impl::maybe_done(Server* srv) {
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

void Server::Impl::listener_close_cb(uv_handle_t* h) {
  Listener* li = static_cast<Listener*>(h->data);
  --li->server->listeners_open_;
  maybe_done(li->server);
}

void Server::Impl::stop_timer_cb(uv_timer_t* t) {
  Server* srv = static_cast<Server*>(t->data);
  log_warn("shutdown deadline passed, closing connections", {{"open", srv->open_}});
  for (uint32_t i = 0; i < srv->fresh_; ++i) close(&srv->conns_[i]);
}



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

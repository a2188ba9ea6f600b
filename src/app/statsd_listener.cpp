#include "app/statsd_listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/clock.hpp"
#include "core/listen_address.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "store/batch_format.hpp"

namespace edgestat {
namespace {

// A non-blocking datagram socket of family with the receive buffer asked
// for, bound to addr; -1 on failure, logged as "the StatsD <kind> socket"
// with where (the address or path) named. *granted: the receive buffer the
// kernel gave (SO_RCVBUF read back, which counts its bookkeeping too: twice
// what was set); less than asked is logged once, naming the sysctl.
int bind_dgram(int family, const sockaddr* addr, socklen_t len, uint64_t rcvbuf, const char* kind, LogField where,
               uint64_t* granted) {
  char msg[64];
  int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::snprintf(msg, sizeof msg, "cannot create the StatsD %s socket", kind);
    log_error(msg, {{"error", std::strerror(errno)}});
    return -1;
  }
  int v = static_cast<int>(rcvbuf);
  // SO_RCVBUFFORCE passes net.core.rmem_max as root; otherwise the kernel
  // clamps SO_RCVBUF to it.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
  // The kernel's count of datagrams dropped for a full buffer comes with
  // each datagram read (UDP; a unix socket makes its sender wait instead).
  int on = 1;
  if (family != AF_UNIX) ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
  int got = 0;
  socklen_t gl = sizeof got;
  *granted = ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gl) == 0 && got > 0 ? static_cast<uint64_t>(got) : 0;
  if (*granted / 2 < rcvbuf) {
    std::snprintf(msg, sizeof msg, "the StatsD %s socket got a smaller receive buffer", kind);
    log_warn(msg, {where,
                   {"asked_bytes", rcvbuf},
                   {"granted_bytes", *granted / 2},
                   {"hint", family == AF_UNIX
                                ? "raise net.core.rmem_max (sysctl) or run with CAP_NET_ADMIN; beyond it (or beyond "
                                  "net.unix.max_dgram_qlen datagrams) senders wait, or get EAGAIN when non-blocking"
                                : "raise net.core.rmem_max (sysctl) or run with CAP_NET_ADMIN; bursts beyond it are "
                                  "dropped by the kernel and counted in edgestat_statsd_kernel_drops_total"}});
  }
  if (::bind(fd, addr, len) != 0) {
    std::snprintf(msg, sizeof msg, "cannot bind the StatsD %s socket", kind);
    log_error(msg, {where, {"error", std::strerror(errno)}});
    ::close(fd);
    return -1;
  }
  return fd;
}

int bind_udp(std::string_view address, uint64_t rcvbuf, uint64_t* granted) {
  FixedString<64> host;
  uint16_t port = 0;
  const char* why = "";
  if (!parse_listen_address(address, &host, &port, &why)) {
    log_error("[ingest] statsd_listen_address is invalid", {{"address", address}, {"error", why}});
    return -1;
  }
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (host.view().find(':') != std::string_view::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, host.c_str(), &a->sin6_addr);
    family = AF_INET6;
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (host.empty()) a->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (host == "localhost") a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else inet_pton(AF_INET, host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  return bind_dgram(family, reinterpret_cast<sockaddr*>(&ss), len, rcvbuf, "UDP", {"address", address}, granted);
}

int bind_unix(const char* path, uint64_t rcvbuf, uint64_t* granted) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  size_t n = std::strlen(path);
  if (n == 0 || n >= sizeof a.sun_path) {
    log_error("[ingest] statsd_socket path is too long", {{"path", path}});
    return -1;
  }
  std::memcpy(a.sun_path, path, n);
  // A socket left by a previous run is replaced; anything else is not ours.
  struct stat st;
  if (::lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      log_error("[ingest] statsd_socket exists and is not a socket", {{"path", path}});
      return -1;
    }
    ::unlink(path);
  }
  int fd = bind_dgram(AF_UNIX, reinterpret_cast<sockaddr*>(&a), sizeof a, rcvbuf, "unix", {"path", path}, granted);
  if (fd < 0) return -1;
  // Local applications of any user may report, as they can over loopback UDP.
  ::chmod(path, 0666);
  return fd;
}

}  // namespace

StatsdListener::~StatsdListener() {
  if (bufs_) release_array(bufs_, kRecvBatch * kMaxDatagram);
  for (Socket* s : {&udp_, &unix_})
    if (s->fd >= 0 && !s->open) ::close(s->fd);
}

bool StatsdListener::open_socket(uv_loop_t* loop, Socket& s, int fd, uint64_t granted, bool may_rest) {
  s.fd = fd;
  s.owner = this;
  s.may_rest = may_rest;
  s.rest_max_ms = max_rest_ms(granted);
  if (uv_poll_init_socket(loop, &s.poll, fd) != 0) return false;
  s.poll.data = &s;
  uv_timer_init(loop, &s.rest);
  s.rest.data = &s;
  s.open = true;
  return uv_poll_start(&s.poll, UV_READABLE, readable_cb) == 0;
}

bool StatsdListener::init(const Config& c, uv_loop_t* loop) {
  bool udp = !c.ingest.statsd_listen_address.empty(), uds = !c.ingest.statsd_socket.empty();
  if (!udp && !uds) return true;
  bufs_ = reserve_array<char>(kRecvBatch * kMaxDatagram);
  if (!bufs_) return false;
  uint64_t granted = 0;
  if (udp) {
    int fd = bind_udp(c.ingest.statsd_listen_address.view(), c.ingest.statsd_receive_buffer_bytes, &granted);
    if (fd < 0 || !open_socket(loop, udp_, fd, granted, true)) return false;
  }
  if (uds) {
    int fd = bind_unix(c.ingest.statsd_socket.c_str(), c.ingest.statsd_receive_buffer_bytes, &granted);
    if (fd < 0 || !open_socket(loop, unix_, fd, granted, false)) return false;
    unix_path_.assign(c.ingest.statsd_socket.view());
  }
  return true;
}

void StatsdListener::log_listening(const Config& c) const {
  if (udp_.open || unix_.open)
    log_info("statsd listening", {{"udp", c.ingest.statsd_listen_address.view()}, {"unix", unix_path_.view()}});
}

StatsdListener::Burst StatsdListener::read_burst(Socket& s) {
  mmsghdr msgs[kRecvBatch];
  iovec iov[kRecvBatch];
  // Room for the SO_RXQ_OVFL message (a uint32_t) of each datagram.
  alignas(cmsghdr) char ctl[kRecvBatch][CMSG_SPACE(sizeof(uint32_t))];
  for (unsigned i = 0; i < kRecvBatch; ++i) {
    iov[i].iov_base = bufs_ + i * kMaxDatagram;
    iov[i].iov_len = kMaxDatagram;
    std::memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_control = ctl[i];
    msgs[i].msg_hdr.msg_controllen = sizeof ctl[i];
  }
  // One timestamp per burst: records of one burst share it.
  int64_t now = realtime_ns() / 1000;
  char tsbuf[store::kRfc3339Len];
  std::string_view ts(tsbuf, store::format_rfc3339_us(now, tsbuf));
  Burst b;
  for (int round = 0; round < kRecvRounds; ++round) {
    if (p_.store_on() && p_.ring_room() < p_.ring_capacity() / kRingBackedUpDivisor) {
      b.end = Burst::End::RingFull;
      break;
    }
    int n = ::recvmmsg(s.fd, msgs, kRecvBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      b.end = Burst::End::Drained;
      break;
    }
    for (int i = 0; i < n; ++i) {
      bool trunc = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
      p_.statsd_datagram(std::string_view(bufs_ + i * kMaxDatagram, msgs[i].msg_len), trunc, now, ts);
      b.bytes += msgs[i].msg_len;
      note_drops(s, msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_flags = 0;
      msgs[i].msg_hdr.msg_controllen = sizeof ctl[i];
    }
    b.got += static_cast<unsigned>(n);
    if (static_cast<unsigned>(n) < kRecvBatch) {
      b.end = Burst::End::Drained;
      break;
    }
  }
  if (b.got || b.end == Burst::End::RingFull) p_.notify_writer();
  return b;
}

// SO_RXQ_OVFL: the socket's drop count so far (a wrapping uint32_t), sent
// only once it is non-zero. It is the only control message asked for.
void StatsdListener::note_drops(Socket& s, const msghdr& h) {
  const cmsghdr* c = CMSG_FIRSTHDR(&h);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) return;
  uint32_t total;
  std::memcpy(&total, CMSG_DATA(c), sizeof total);
  p_.count_kernel_drops(static_cast<uint32_t>(total - s.kernel_drops));
  s.kernel_drops = total;
}

void StatsdListener::schedule(Socket& s, const Burst& b) {
  bool rest;
  uint64_t ms = 0;
  if (b.end == Burst::End::RingFull) {
    // The writer was woken and drains the ring meanwhile (polling would
    // only spin: the socket stays readable). The rest's length is kept.
    rest = true;
    ms = kRestMinMs;
  } else if (b.end == Burst::End::Flood) {
    rest = false;  // a flood: poll, which reads again at once
  } else if (!s.resting || !s.may_rest) {
    // A polled read that emptied the socket (or the unix socket after a
    // backed-up ring's wait: it goes back to polling).
    rest = b.got > 0 && s.may_rest;
    s.rest_ms = kRestMinMs;
  } else if (b.got == 0) {
    // Nothing during the rest: rest longer, and poll again after a
    // longest rest with nothing.
    rest = s.rest_ms < s.rest_max_ms;
    s.rest_ms = std::min(s.rest_ms * 2, s.rest_max_ms);
  } else {
    // Lengthen the rest while what it brings stays small; shorten it when
    // a rest brings more than kRestBytes.
    rest = true;
    if (b.bytes > kRestBytes) s.rest_ms = std::max(s.rest_ms / 2, kRestMinMs);
    else if (b.bytes * 2 <= kRestBytes) s.rest_ms = std::min(s.rest_ms * 2, s.rest_max_ms);
  }
  if (rest && !s.resting) uv_poll_stop(&s.poll);
  if (!rest && s.resting) uv_poll_start(&s.poll, UV_READABLE, readable_cb);
  s.resting = rest;
  if (rest) uv_timer_start(&s.rest, rest_cb, ms ? ms : s.rest_ms, 0);
}

void StatsdListener::readable_cb(uv_poll_t* p, int status, int) {
  auto* s = static_cast<Socket*>(p->data);
  if (status < 0) return;
  s->owner->schedule(*s, s->owner->read_burst(*s));
}

void StatsdListener::rest_cb(uv_timer_t* t) {
  auto* s = static_cast<Socket*>(t->data);
  if (!s->open) return;
  s->owner->schedule(*s, s->owner->read_burst(*s));
}

void StatsdListener::closed_cb(uv_handle_t* h) {
  auto* s = static_cast<Socket*>(h->data);
  if (s->fd >= 0) ::close(s->fd);
  s->fd = -1;
}

void StatsdListener::close() {
  for (Socket* s : {&udp_, &unix_}) {
    if (!s->open) continue;
    // What arrived while resting is read before the pipeline stops.
    if (s->resting) read_burst(*s);
    s->open = false;
    uv_poll_stop(&s->poll);
    uv_timer_stop(&s->rest);
    uv_close(reinterpret_cast<uv_handle_t*>(&s->rest), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&s->poll), closed_cb);
  }
  if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
}

}  // namespace edgestat

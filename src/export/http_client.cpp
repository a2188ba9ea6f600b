#include "export/http_client.hpp"

#include <cstring>

#include "core/number.hpp"
#include "core/scan.hpp"
#include "core/ascii.hpp"
#include "export/backoff.hpp"
#include "export/tls_client.hpp"

namespace edgestat::exporter {
namespace {


bool header_is(std::string_view line, std::string_view name, std::string_view* value) {
  if (line.size() <= name.size() || line[name.size()] != ':' || !iequals(line.substr(0, name.size()), name))
    return false;
  *value = trim(line.substr(name.size() + 1));
  return true;
}

bool contains_token(std::string_view v, std::string_view token) {
  for (size_t i = 0; i + token.size() <= v.size(); ++i)
    if (iequals(v.substr(i, token.size()), token)) return true;
  return false;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A chunk larger than this is not what a push receiver answers.
constexpr uint64_t kMaxChunk = uint64_t{1} << 40;

}  // namespace

std::string_view http_outcome_name(HttpOutcome o) {
  switch (o) {
    case HttpOutcome::Response: return "response";
    case HttpOutcome::Network: return "network";
    case HttpOutcome::Timeout: return "timeout";
    case HttpOutcome::Tls: return "tls";
    case HttpOutcome::BadResponse: return "bad_response";
  }
  return "network";
}

void HttpClient::init(uv_loop_t* loop, const TlsClientConfig* tls, DoneCb done, void* ctx) {
  loop_ = loop;
  tls_cfg_ = tls;
  done_ = done;
  ctx_ = ctx;
  uv_timer_init(loop, &timer_);
  uv_timer_init(loop, &defer_);
  timer_.data = defer_.data = this;
  timers_init_ = true;
}

bool HttpClient::send(std::string_view head, const uint8_t* body, size_t body_len, uint64_t timeout_ms) {
  if (busy_ || shut_ || !timers_init_) return false;
  busy_ = true;
  retried_ = false;
  head_ = head;
  body_ = body;
  body_len_ = body_len;
  timeout_ms_ = timeout_ms;
  result_ = HttpResult{};
  uv_timer_start(&timer_, timer_cb, timeout_ms, 0);
  if (!has_addr_) {
    deferred_ = HttpOutcome::Network;
    deferred_err_ = UV_EADDRNOTAVAIL;
    uv_timer_start(&defer_, defer_cb, 0, 0);
    return true;
  }
  if (state_ == State::Ready) {
    reused_ = true;
    start_request();
  } else if (state_ == State::Closed) {
    reused_ = false;
    connect();
  }  // Closing: close_cb connects.
  return true;
}

void HttpClient::connect() {
  uv_tcp_init(loop_, &tcp_);
  tcp_.data = this;
  connect_req_.data = this;
  state_ = State::Connecting;
  ++connects_;
  int rc = uv_tcp_connect(&connect_req_, &tcp_, reinterpret_cast<const sockaddr*>(&addr_), connect_cb);
  if (rc < 0) {
    deferred_ = HttpOutcome::Network;
    deferred_err_ = rc;
    uv_timer_start(&defer_, defer_cb, 0, 0);
    close_conn();
  }
}

void HttpClient::connect_cb(uv_connect_t* r, int status) {
  HttpClient* c = static_cast<HttpClient*>(r->data);
  if (status == UV_ECANCELED || c->state_ != State::Connecting) return;
  if (status < 0) return c->finish(HttpOutcome::Network, status);
  uv_tcp_nodelay(&c->tcp_, 1);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp_), alloc_cb, read_cb);
  if (c->tls_cfg_) {
    int err = 0;
    if (!c->tls_.begin_client(c->tls_cfg_->conf(), c->tls_cfg_->server_name(), &err))
      return c->finish(HttpOutcome::Tls, err);
    c->state_ = State::Handshake;
    c->pump_tls();
    return;
  }
  c->state_ = State::Ready;
  c->start_request();
}

void HttpClient::start_request() {
  head_len_ = 0;
  head_done_ = got_bytes_ = conn_close_ = false;
  body_mode_ = Body::None;
  body_left_ = 0;
  chunk_state_ = 0;
  chunk_line_ = 0;
  sent_ = 0;
  writing_ = true;
  if (tls_cfg_) pump_tls();
  else write_plain();
}

void HttpClient::write_plain() {
  uv_buf_t bufs[2] = {uv_buf_init(const_cast<char*>(head_.data()), static_cast<unsigned>(head_.size())),
                      uv_buf_init(reinterpret_cast<char*>(const_cast<uint8_t*>(body_)), static_cast<unsigned>(body_len_))};
  write_req_.data = this;
  int rc = uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), bufs, body_len_ ? 2 : 1, write_cb);
  if (rc < 0) finish(HttpOutcome::Network, rc);
}

void HttpClient::write_cb(uv_write_t* r, int status) {
  HttpClient* c = static_cast<HttpClient*>(r->data);
  if (status == UV_ECANCELED || c->state_ == State::Closing || c->state_ == State::Closed) return;
  if (c->tls_cfg_) c->tls_.out_sent();
  if (status < 0) {
    if (!c->busy_) return c->close_conn();
    if (c->reused_ && !c->got_bytes_ && !c->retried_) {
      c->retried_ = true;
      return c->close_conn();  // close_cb reconnects and resends
    }
    return c->finish(HttpOutcome::Network, status);
  }
  if (c->tls_cfg_) c->pump_tls();
  else c->writing_ = false;
}

void HttpClient::flush_tls_out() {
  std::string_view out = tls_.out_pending();
  if (tls_.out_busy() || out.empty()) return;
  tls_.out_begin();
  uv_buf_t b = uv_buf_init(const_cast<char*>(out.data()), static_cast<unsigned>(out.size()));
  write_req_.data = this;
  int rc = uv_write(&write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), &b, 1, write_cb);
  if (rc < 0) finish(HttpOutcome::Network, rc);
}

void HttpClient::pump_tls() {
  if (state_ == State::Handshake) {
    int rc = tls_.handshake();
    if (rc == http::TlsSession::kWant) return flush_tls_out();
    if (rc < 0) return finish(HttpOutcome::Tls, rc);
    state_ = State::Ready;
    if (!busy_) return flush_tls_out();
    head_len_ = 0;
    head_done_ = got_bytes_ = conn_close_ = false;
    sent_ = 0;
    writing_ = true;
  }
  const size_t total = head_.size() + body_len_;
  while (busy_ && writing_ && !tls_.out_busy()) {
    if (sent_ == total) {
      writing_ = false;
      break;
    }
    const char* p;
    size_t len;
    if (sent_ < head_.size()) {
      p = head_.data() + sent_;
      len = head_.size() - sent_;
    } else {
      p = reinterpret_cast<const char*>(body_) + (sent_ - head_.size());
      len = total - sent_;
    }
    if (len > http::kTlsWriteChunk) len = http::kTlsWriteChunk;
    int rc = tls_.write(p, len);
    if (rc == http::TlsSession::kWant) break;
    if (rc < 0) return finish(HttpOutcome::Tls, rc);
    sent_ += static_cast<size_t>(rc);
  }
  flush_tls_out();
  if (state_ != State::Ready) return;
  // Decrypted response bytes.
  for (;;) {
    int rc = tls_.read(read_buf_, sizeof read_buf_);
    if (rc == http::TlsSession::kWant) return;
    if (rc == http::TlsSession::kPeerClosed) return eof();
    if (rc < 0) {
      if (busy_) return finish(HttpOutcome::Tls, rc);
      return close_conn();
    }
    uint32_t before = static_cast<uint32_t>(busy_);
    on_plain(read_buf_, static_cast<size_t>(rc));
    // A finished request may have started the next one from done_cb, or
    // closed the connection: stop touching this session's state here.
    if (!before || state_ != State::Ready) return;
    if (!busy_) return;
  }
}

void HttpClient::alloc_cb(uv_handle_t* h, size_t, uv_buf_t* b) {
  HttpClient* c = static_cast<HttpClient*>(h->data);
  if (c->tls_cfg_) {
    size_t n = 0;
    char* p = c->tls_.in_space(&n);
    *b = uv_buf_init(p, static_cast<unsigned>(n));
  } else {
    *b = uv_buf_init(c->read_buf_, sizeof c->read_buf_);
  }
}

void HttpClient::read_cb(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  HttpClient* c = static_cast<HttpClient*>(s->data);
  if (c->state_ == State::Closing || c->state_ == State::Closed) return;
  if (n == UV_EOF) return c->eof();
  if (n < 0) {
    if (!c->busy_) return c->close_conn();
    if (c->reused_ && !c->got_bytes_ && !c->retried_) {
      c->retried_ = true;
      return c->close_conn();
    }
    return c->finish(HttpOutcome::Network, static_cast<int>(n));
  }
  if (n == 0) return;
  if (c->tls_cfg_) {
    c->tls_.in_commit(static_cast<size_t>(n));
    return c->pump_tls();
  }
  c->on_plain(b->base, static_cast<size_t>(n));
}

bool HttpClient::parse_head() {
  std::string_view h(head_buf_, head_len_);
  std::string_view line = next_field(h, '\n');
  line = trim(line);
  // HTTP/1.x SSS reason
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') return false;
  int st = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return false;
    st = st * 10 + (line[i] - '0');
  }
  result_.status = st;
  conn_close_ = line[7] == '0';
  bool chunked = false, has_len = false;
  uint64_t len = 0;
  while (!h.empty()) {
    std::string_view l = trim(next_field(h, '\n'));
    if (l.empty()) break;
    std::string_view v;
    if (header_is(l, "content-length", &v)) {
      auto p = parse_u64(v);
      if (!p) return false;
      has_len = true;
      len = *p;
    } else if (header_is(l, "transfer-encoding", &v)) {
      chunked = contains_token(v, "chunked");
    } else if (header_is(l, "connection", &v)) {
      if (contains_token(v, "close")) conn_close_ = true;
      if (contains_token(v, "keep-alive")) conn_close_ = false;
    } else if (header_is(l, "retry-after", &v)) {
      uint64_t ms = 0;
      if (parse_retry_after(v, &ms)) result_.retry_after_ms = ms;
    }
  }
  if (st == 204 || st == 304) {
    body_mode_ = Body::None;
  } else if (chunked) {
    body_mode_ = Body::Chunked;
  } else if (has_len) {
    body_mode_ = len ? Body::Length : Body::None;
    body_left_ = len;
  } else {
    body_mode_ = Body::UntilClose;
    conn_close_ = true;
  }
  return true;
}

void HttpClient::on_plain(const char* p, size_t n) {
  if (!busy_) return close_conn();  // bytes nobody asked for
  got_bytes_ = true;
  while (!head_done_) {
    size_t room = sizeof head_buf_ - head_len_;
    size_t k = n < room ? n : room;
    size_t from = head_len_ > 3 ? head_len_ - 3 : 0;
    std::memcpy(head_buf_ + head_len_, p, k);
    head_len_ += k;
    std::string_view h(head_buf_, head_len_);
    size_t end = h.find("\r\n\r\n", from);
    if (end == std::string_view::npos) {
      if (head_len_ == sizeof head_buf_) return finish(HttpOutcome::BadResponse, 0);
      return;
    }
    // Bytes of this read past the head are body.
    size_t head_end = end + 4;
    size_t used = k - (head_len_ - head_end);
    p += used;
    n -= used;
    head_len_ = head_end;
    if (!parse_head()) return finish(HttpOutcome::BadResponse, 0);
    if (result_.status >= 100 && result_.status < 200) {
      head_len_ = 0;  // an interim response: the real one follows
      continue;
    }
    head_done_ = true;
  }
  switch (body_mode_) {
    case Body::None: return finish(HttpOutcome::Response, 0);
    case Body::UntilClose: return;
    case Body::Length:
      body_left_ -= n < body_left_ ? n : body_left_;
      if (body_left_ == 0) finish(HttpOutcome::Response, 0);
      return;
    case Body::Chunked: break;
  }
  for (size_t i = 0; i < n; ++i) {
    char c = p[i];
    switch (chunk_state_) {
      case 0:  // size line: hex digits, optional extensions, CRLF
        if (c == '\n') {
          if (chunk_line_ == 0) {
            chunk_state_ = 3;
            trailer_last_[0] = '\n';
          } else {
            body_left_ = chunk_line_;
            chunk_state_ = 1;
          }
          chunk_line_ = 0;
        } else if (int d = hex_digit(c); d >= 0 && chunk_line_ < kMaxChunk) {
          chunk_line_ = chunk_line_ * 16 + static_cast<uint64_t>(d);
        } else if (c != '\r' && c != ';' && c != ' ' && hex_digit(c) < 0 && chunk_line_ == 0) {
          return finish(HttpOutcome::BadResponse, 0);
        }
        break;
      case 1: {  // data
        size_t k = n - i < body_left_ ? n - i : static_cast<size_t>(body_left_);
        body_left_ -= k;
        i += k - 1;
        if (body_left_ == 0) chunk_state_ = 2;
        break;
      }
      case 2:  // CRLF after the data
        if (c == '\n') chunk_state_ = 0;
        break;
      default:  // trailers until an empty line
        if (c == '\n') {
          if (trailer_last_[0] == '\n') return finish(HttpOutcome::Response, 0);
          trailer_last_[0] = '\n';
        } else if (c != '\r') {
          trailer_last_[0] = c;
        }
        break;
    }
  }
}

void HttpClient::eof() {
  if (!busy_) return close_conn();
  if (head_done_ && body_mode_ == Body::UntilClose) {
    conn_close_ = true;
    return finish(HttpOutcome::Response, 0);
  }
  if (!got_bytes_ && reused_ && !retried_) {
    retried_ = true;
    return close_conn();
  }
  finish(HttpOutcome::Network, UV_EOF);
}

void HttpClient::finish(HttpOutcome o, int err) {
  if (!busy_) return;
  uv_timer_stop(&timer_);
  uv_timer_stop(&defer_);
  busy_ = false;
  writing_ = false;
  result_.outcome = o;
  result_.err = err;
  if (o != HttpOutcome::Response) result_.status = 0;
  if (o != HttpOutcome::Response || conn_close_) close_conn();
  HttpResult r = result_;
  done_(ctx_, r);
}

void HttpClient::close_conn() {
  if (state_ == State::Closed || state_ == State::Closing) return;
  state_ = State::Closing;
  tls_.end();
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), close_cb);
}

void HttpClient::close_cb(uv_handle_t* h) {
  HttpClient* c = static_cast<HttpClient*>(h->data);
  c->state_ = State::Closed;
  if (c->shut_) {
    if (c->closed_cb_) c->closed_cb_(c->closed_ctx_);
    return;
  }
  // A request waiting for the old connection to close (a retry, or a
  // send() that came while it was closing) gets a new one.
  if (c->busy_) {
    c->reused_ = false;
    c->connect();
  }
}

void HttpClient::timer_cb(uv_timer_t* t) {
  static_cast<HttpClient*>(t->data)->finish(HttpOutcome::Timeout, UV_ETIMEDOUT);
}

void HttpClient::defer_cb(uv_timer_t* t) {
  HttpClient* c = static_cast<HttpClient*>(t->data);
  c->finish(c->deferred_, c->deferred_err_);
}

void HttpClient::shutdown(void (*closed_cb)(void*), void* ctx) {
  if (shut_) return;
  closed_cb_ = closed_cb;
  closed_ctx_ = ctx;
  if (busy_) finish(HttpOutcome::Network, UV_ECANCELED);
  shut_ = true;
  if (timers_init_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&defer_), nullptr);
  }
  if (state_ == State::Closed) {
    if (closed_cb_) closed_cb_(closed_ctx_);
    return;
  }
  close_conn();  // close_cb reports
}

}  // namespace edgestat::exporter

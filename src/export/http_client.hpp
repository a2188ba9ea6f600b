#pragma once
// One HTTP/1.1 client connection on the loop, for one push target: plain
// TCP or TLS (mbedTLS through http/tls_session's buffer BIO), kept alive
// between requests, one request at a time (pushes to one target are
// ordered, so there is nothing to pipeline). The caller builds the request
// head and owns the body until done_cb; the client connects when needed,
// writes, reads the response head (status, Retry-After, Connection) and
// skips the body (Content-Length, chunked, or until close), all with a
// per-request deadline.
//
// A request on a kept-alive connection that the server closed meanwhile
// (EOF or reset before any response byte) is sent again once on a new
// connection, as browsers and Go's client do.
//
// Memory: the client embeds its handles, buffers and TLS session; mbedTLS
// allocates its record buffers per TLS connection (at connect, not per
// request). Plain HTTP allocates nothing.
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/tls_session.hpp"

namespace edgestat::exporter {

class TlsClientConfig;

// A response head longer than this is refused (a receiver's answer to a
// push is a status line and a handful of headers).
inline constexpr size_t kMaxResponseHead = 4096;
// Plain-text socket reads land here.
inline constexpr size_t kReadChunk = 4096;

enum class HttpOutcome : uint8_t { Response, Network, Timeout, Tls, BadResponse };
std::string_view http_outcome_name(HttpOutcome o);

struct HttpResult {
  HttpOutcome outcome = HttpOutcome::Network;
  int status = 0;                // HTTP status when outcome == Response
  uint64_t retry_after_ms = 0;   // Retry-After, 0 if none
  int err = 0;                   // libuv or mbedTLS code otherwise
};

class HttpClient {
 public:
  using DoneCb = void (*)(void* ctx, const HttpResult& r);

  HttpClient() = default;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // tls may be null (plain HTTP). The address is set before the first send.
  void init(uv_loop_t* loop, const TlsClientConfig* tls, DoneCb done, void* ctx);
  void set_address(const sockaddr_storage& a) { addr_ = a; has_addr_ = true; }
  bool has_address() const { return has_addr_; }

  // Starts one request; false if one is in flight or the client is closing
  // for good. done_cb runs exactly once per accepted request, never inside
  // send().
  bool send(std::string_view head, const uint8_t* body, size_t body_len, uint64_t timeout_ms);
  bool busy() const { return busy_; }
  bool connected() const { return state_ >= State::Ready; }
  // Closes the connection for good (shutdown); an in-flight request ends
  // with Network/UV_ECANCELED. closed_cb (may be null) when the handles are.
  void shutdown(void (*closed_cb)(void*), void* ctx);
  uint64_t connects() const { return connects_; }

 private:
  enum class State : uint8_t { Closed, Closing, Connecting, Handshake, Ready };
  enum class Body : uint8_t { None, Length, Chunked, UntilClose };

  static void connect_cb(uv_connect_t* r, int status);
  static void write_cb(uv_write_t* r, int status);
  static void alloc_cb(uv_handle_t* h, size_t, uv_buf_t* b);
  static void read_cb(uv_stream_t* s, ssize_t n, const uv_buf_t* b);
  static void timer_cb(uv_timer_t* t);
  static void close_cb(uv_handle_t* h);
  static void defer_cb(uv_timer_t* t);

  void connect();
  void close_conn();
  void start_request();
  void pump_tls();      // handshake, write, read: whatever TLS can do now
  void flush_tls_out();
  void write_plain();
  void on_plain(const char* p, size_t n);  // response bytes (after TLS)
  bool parse_head();
  void eof();
  void finish(HttpOutcome o, int err);

  uv_loop_t* loop_ = nullptr;
  const TlsClientConfig* tls_cfg_ = nullptr;
  DoneCb done_ = nullptr;
  void* ctx_ = nullptr;
  sockaddr_storage addr_{};
  bool has_addr_ = false;

  uv_tcp_t tcp_{};
  uv_connect_t connect_req_{};
  uv_write_t write_req_{};
  uv_timer_t timer_{};
  uv_timer_t defer_{};  // runs done_cb on the next turn for failures found in send()
  bool timers_init_ = false;
  State state_ = State::Closed;
  bool shut_ = false;
  void (*closed_cb_)(void*) = nullptr;
  void* closed_ctx_ = nullptr;

  // The request in flight.
  bool busy_ = false;
  bool reused_ = false;  // sent on a kept-alive connection
  bool retried_ = false;
  bool writing_ = false;
  std::string_view head_;
  const uint8_t* body_ = nullptr;
  size_t body_len_ = 0, sent_ = 0;  // TLS: plaintext bytes of head+body taken
  uint64_t timeout_ms_ = 0;
  HttpResult result_;
  HttpOutcome deferred_ = HttpOutcome::Network;
  int deferred_err_ = 0;

  // Response parsing.
  char head_buf_[kMaxResponseHead];
  size_t head_len_ = 0;
  bool head_done_ = false, got_bytes_ = false, conn_close_ = false;
  Body body_mode_ = Body::None;
  uint64_t body_left_ = 0;
  // Chunked: 0 size line, 1 data, 2 CRLF after data, 3 trailers.
  uint8_t chunk_state_ = 0;
  uint64_t chunk_line_ = 0;
  char trailer_last_[2] = {};

  char read_buf_[kReadChunk];
  http::TlsSession tls_;
  uint64_t connects_ = 0;
};

}  // namespace edgestat::exporter

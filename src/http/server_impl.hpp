#pragma once
// The server's internals, shared by its files (server.cpp: connection
// lifecycle and the public methods; server_admission.cpp: accepting,
// per-client caps and eviction; server_exchange.cpp: parsing, dispatch
// and writing answers; server_tls.cpp: moving bytes through mbedTLS).
// Not for use outside src/http.
#include "http/server.hpp"

#include "config/sizes.hpp"
#include "http/access_policy.hpp"
#include "http/tls_session.hpp"

namespace edgestat::http {

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

struct Server::Impl {
  static Connection* conn(uv_handle_t* h) { return static_cast<Connection*>(h->data); }
  // server.cpp: reading, timers, closing, stopping.
  static void arm(Connection* c, uint64_t ms);
  static void start_reading(Connection* c);
  static void stop_reading(Connection* c);
  static void alloc_cb(uv_handle_t* h, size_t, uv_buf_t* b);
  static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t*);
  static void timer_cb(uv_timer_t* t);
  static void close_cb(uv_handle_t* h);
  static void close(Connection* c);
  static void shutdown_cb(uv_shutdown_t*, int) {}
  static void linger_close(Connection* c);
  // server_admission.cpp: accepting, the allowlist, per-client caps, eviction.
  static void connection_cb(uv_stream_t* l, int status);
  static void accept_into(Listener* li);
  struct ClientCount {
    uint32_t all = 0, tls = 0;
  };
  static ClientCount client_connections(Server* srv, const Connection* c);
  static bool evictable(const Connection& o, bool tls_only);
  static bool evict_one(Server* srv, bool tls_only);
  // server_tls.cpp: ciphertext in and out of the session.
  static void tls_read(Connection* c, ssize_t nread);
  static void tls_pump(Connection* c);
  static long tls_fill(Connection* c);
  static void tls_fail(Connection* c, int rc, const char* what);
  static bool tls_push(Connection* c);
  static void tls_write_cb(uv_write_t* req, int status);
  static void tls_flush(Connection* c);
  static void tls_goodbye(Connection* c);
  // server.cpp: stopping.
  static void maybe_done(Server* srv);
  static void listener_close_cb(uv_handle_t* h);
  static void stop_timer_cb(uv_timer_t* t);
  // server_exchange.cpp: parsing, admission of a request, dispatch, answers.
  static void process(Connection* c);
  static bool body_arrived(Connection* c);
  static void send_error(Connection* c, uint8_t label, int status, bool json = false);
  static bool dispatch(Connection* c, const Request& req, size_t head_len);
  static bool serve(Connection* c, const Request& req, size_t head_len);
  static void park(Connection* c, uint8_t label, bool head_only, bool keep, size_t consumed);
  static bool finish_parked(void* owner, uint32_t slot, uint32_t gen, const Reply& r);
  static void note_request(Connection* c, std::string_view method, std::string_view path);
  static void send(Connection* c, uint8_t label, const Reply& r, bool head_only, bool keep, size_t consumed);
  static void write_cb(uv_write_t* req, int status) { write_done(static_cast<Connection*>(req->data), status); }
  static void write_done(Connection* c, int status);
};

}  // namespace edgestat::http

#pragma once
// One server-side TLS connection driven over buffers the event loop fills
// and drains: mbedTLS never touches the socket (no mbedtls_net_*). Its BIO
// callbacks read ciphertext from `in` (filled by libuv's read callback)
// and append ciphertext to `out` (written by the loop with uv_write), the
// design of openziti/tlsuv's tls_link and OpenWrt's ustream-mbedtls.
//
//   socket -> in_space()/in_commit() -> [mbedTLS] -> read() -> plaintext
//   plaintext -> write() -> [mbedTLS] -> out_pending() -> socket -> out_sent()
//
// Non-blocking rules, as mbedTLS states them:
// - handshake()/read()/write() return kWant when the BIO has no input or
//   no room for output; call again after in_commit() or out_sent().
// - write() answering kWant must be called again with the same pointer
//   and length (mbedTLS may have consumed part of the record already);
//   callers keep (ptr, len) of the pending call for that.
// - While a uv_write of out_pending() is in flight the buffer is frozen
//   (out_begin()..out_sent()): the BIO refuses to append, so the bytes
//   being written never move.
// Errors come back as a negative mbedTLS code from these calls; the server
// defers acting on them to the next loop turn (arming the connection's
// timer at 0), so no callback closes a connection under its caller.
//
// Memory: mbedtls_ssl_setup allocates the record buffers (input and
// output, MBEDTLS_SSL_IN/OUT_CONTENT_LEN plus record overhead) when the
// session begins and mbedtls_ssl_free releases them when it ends; the
// handshake allocates transiently. The session object itself (with its
// cipher buffers) lives in the server's TLS pool, reserved at start.
#include <mbedtls/ssl.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/tls_context.hpp"

namespace edgestat::http {

// Ciphertext read from the socket and not yet taken by mbedTLS. A request
// head is small; larger input waits in the kernel (reading pauses).
inline constexpr size_t kTlsInBytes = 2048;
// Ciphertext mbedTLS produced and the loop has not written yet: one 4 KiB
// record plus its header, tag and padding fits whole.
inline constexpr size_t kTlsOutBytes = 4096 + 256;
// Plaintext given to one mbedtls_ssl_write: records of at most 4 KiB, so
// they fit kTlsOutBytes and the static builds' 4 KiB output buffer.
inline constexpr size_t kTlsWriteChunk = 4096;

class TlsSession {
 public:
  // Returns of handshake(), read(), write(), close_notify().
  static constexpr int kWant = -1;       // needs input or output room first
  static constexpr int kPeerClosed = -2; // close_notify received (read)

  TlsSession();
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Starts a server session on ctx (takes a reference). Allocates the
  // record buffers; false with *err (an mbedTLS code) if that fails.
  bool begin(TlsContext* ctx, int* err);
  // Starts a client session on a client configuration the caller keeps
  // alive (the exporter's, export/tls_client.hpp); server_name is sent as
  // SNI and checked against the server's certificate.
  bool begin_client(const mbedtls_ssl_config* conf, const char* server_name, int* err);
  // Frees everything mbedTLS holds and drops the context reference.
  void end();
  bool active() const { return active_; }

  // ---- ciphertext in ----
  char* in_space(size_t* n);  // where the next socket read goes
  void in_commit(size_t n);   // n bytes were read there
  bool in_full() const { return in_len_ == kTlsInBytes; }
  // Unprocessed ciphertext or decrypted bytes waiting: read() may succeed
  // without more socket input.
  bool has_buffered() const;

  // ---- the TLS state machine ----
  // 0 when done, kWant, or an mbedTLS error (< 0, not kWant).
  int handshake();
  bool handshake_done() const { return done_; }
  // After the handshake: false if a client certificate was sent that does
  // not verify or whose names are not allowed (client_auth = optional).
  bool client_acceptable() const;
  // Decrypted bytes into dst: > 0 bytes, kWant, kPeerClosed, or an error.
  int read(char* dst, size_t cap);
  // Encrypts up to len bytes: > 0 bytes taken, kWant (retry with the same
  // arguments), or an error.
  int write(const char* p, size_t len);
  // Queues a close_notify alert (best effort): 0, kWant or an error.
  int close_notify();

  // ---- ciphertext out ----
  std::string_view out_pending() const { return {out_, out_len_}; }
  void out_begin() { out_busy_ = true; }  // a write of out_pending() started
  void out_sent();                        // ... and completed
  bool out_busy() const { return out_busy_; }

  // "TLSv1.2" / "TLSv1.3" and the suite name, after the handshake.
  const char* version() const;
  const char* cipher() const;
  const mbedtls_ssl_context* ssl() const { return &ssl_; }

 private:
  static int bio_send(void* ctx, const unsigned char* p, size_t n);
  static int bio_recv(void* ctx, unsigned char* p, size_t n);

  mbedtls_ssl_context ssl_;
  TlsContext* ctx_ = nullptr;  // server sessions: the context they hold a reference to
  bool active_ = false;
  size_t in_off_ = 0, in_len_ = 0;  // unread ciphertext is in_[in_off_, in_len_)
  size_t out_len_ = 0;
  bool out_busy_ = false;
  bool done_ = false;
  char in_[kTlsInBytes];
  char out_[kTlsOutBytes];
};

}  // namespace edgestat::http

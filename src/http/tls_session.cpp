#include "http/tls_session.hpp"

#include <mbedtls/x509.h>

#include <cstring>

namespace edgestat::http {

TlsSession::TlsSession() { mbedtls_ssl_init(&ssl_); }

TlsSession::~TlsSession() { end(); }

bool TlsSession::begin(TlsContext* ctx, int* err) {
  if (!begin_client(ctx->conf(), nullptr, err)) return false;
  ctx->ref();
  ctx_ = ctx;
  return true;
}

bool TlsSession::begin_client(const mbedtls_ssl_config* conf, const char* server_name, int* err) {
  end();
  mbedtls_ssl_init(&ssl_);
  int rc = mbedtls_ssl_setup(&ssl_, conf);
  if (rc == 0 && server_name) rc = mbedtls_ssl_set_hostname(&ssl_, server_name);
  if (rc != 0) {
    *err = rc;
    mbedtls_ssl_free(&ssl_);
    mbedtls_ssl_init(&ssl_);
    return false;
  }
  mbedtls_ssl_set_bio(&ssl_, this, bio_send, bio_recv, nullptr);
  active_ = true;
  in_off_ = in_len_ = out_len_ = 0;
  out_busy_ = done_ = false;
  return true;
}

void TlsSession::end() {
  if (!active_) return;
  active_ = false;
  mbedtls_ssl_free(&ssl_);
  mbedtls_ssl_init(&ssl_);
  if (ctx_) ctx_->unref();
  ctx_ = nullptr;
  in_off_ = in_len_ = out_len_ = 0;
  out_busy_ = done_ = false;
}

char* TlsSession::in_space(size_t* n) {
  if (in_off_ > 0) {
    // Move the unread tail down so the whole free space is contiguous.
    std::memmove(in_, in_ + in_off_, in_len_ - in_off_);
    in_len_ -= in_off_;
    in_off_ = 0;
  }
  *n = kTlsInBytes - in_len_;
  return in_ + in_len_;
}

void TlsSession::in_commit(size_t n) {
  in_len_ += n;
  if (in_len_ > kTlsInBytes) in_len_ = kTlsInBytes;  // cannot happen: n <= the space given
}

bool TlsSession::has_buffered() const {
  return in_off_ < in_len_ || (active_ && mbedtls_ssl_check_pending(&ssl_) != 0);
}

int TlsSession::bio_recv(void* ctx, unsigned char* p, size_t n) {
  TlsSession* s = static_cast<TlsSession*>(ctx);
  size_t avail = s->in_len_ - s->in_off_;
  if (avail == 0) return MBEDTLS_ERR_SSL_WANT_READ;
  size_t k = n < avail ? n : avail;
  std::memcpy(p, s->in_ + s->in_off_, k);
  s->in_off_ += k;
  if (s->in_off_ == s->in_len_) s->in_off_ = s->in_len_ = 0;
  return static_cast<int>(k);
}

int TlsSession::bio_send(void* ctx, const unsigned char* p, size_t n) {
  TlsSession* s = static_cast<TlsSession*>(ctx);
  // Frozen while the loop writes it; full until then. mbedTLS keeps the
  // rest of the record and offers it again on the next call.
  if (s->out_busy_ || s->out_len_ == kTlsOutBytes) return MBEDTLS_ERR_SSL_WANT_WRITE;
  size_t room = kTlsOutBytes - s->out_len_;
  size_t k = n < room ? n : room;
  std::memcpy(s->out_ + s->out_len_, p, k);
  s->out_len_ += k;
  return static_cast<int>(k);
}

void TlsSession::out_sent() {
  out_busy_ = false;
  out_len_ = 0;
}

static int map(int rc) {
  if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return TlsSession::kWant;
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
  // A 3.x client-side event; servers never see it, but stay safe.
  if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) return TlsSession::kWant;
#endif
  return rc;
}

int TlsSession::handshake() {
  if (done_) return 0;
  int rc = mbedtls_ssl_handshake(&ssl_);
  if (rc == 0) {
    done_ = true;
    return 0;
  }
  return map(rc);
}

bool TlsSession::client_acceptable() const {
  if (!ctx_ || ctx_->client_auth() != ClientAuth::Optional) return true;
  // REQUIRED fails the handshake itself; OPTIONAL lets it finish and leaves
  // the verdict here: no certificate is fine, a bad one is not.
  uint32_t r = mbedtls_ssl_get_verify_result(&ssl_);
  return r == 0 || r == MBEDTLS_X509_BADCERT_MISSING;
}

int TlsSession::read(char* dst, size_t cap) {
  int rc = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(dst), cap);
  if (rc > 0) return rc;
  if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return kPeerClosed;
  return map(rc);
}

int TlsSession::write(const char* p, size_t len) {
  int rc = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(p), len);
  if (rc >= 0) return rc;
  return map(rc);
}

int TlsSession::close_notify() {
  int rc = mbedtls_ssl_close_notify(&ssl_);
  return rc == 0 ? 0 : map(rc);
}

const char* TlsSession::version() const { return active_ ? mbedtls_ssl_get_version(&ssl_) : ""; }
const char* TlsSession::cipher() const { return active_ ? mbedtls_ssl_get_ciphersuite(&ssl_) : ""; }

}  // namespace edgestat::http

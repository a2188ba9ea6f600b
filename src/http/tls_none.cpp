// The TLS interface of a -DEDGESTAT_TLS=OFF build (LAN-only routers): no
// mbedTLS SSL or X.509 code is referenced, so none is linked. Config
// validation refuses [tls] listen_address in such a build, so nothing here
// runs in practice; every entry point still fails cleanly, naming why.
#include <cstdio>

#include "http/tls_context.hpp"
#include "http/tls_session.hpp"

namespace edgestat::http {
namespace {
constexpr const char* kNoTls = "this build has no TLS (built with -DEDGESTAT_TLS=OFF)";
}  // namespace

void tls_strerror(int code, TlsError* out) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%d (%s)", code, kNoTls);
  out->assign(buf);
}

bool tls_global_init(TlsError* why) {
  why->assign(kNoTls);
  return false;
}

mbedtls_ctr_drbg_context* tls_drbg() { return nullptr; }

int64_t x509_time_to_unix(const mbedtls_x509_time&) { return 0; }

int cipher_suite_id(std::string_view) { return 0; }

bool tls_load_key_for(mbedtls_x509_crt*, mbedtls_pk_context*, std::string_view, std::string_view, TlsError* why) {
  why->assign(kNoTls);
  return false;
}

TlsContext* TlsContext::load(const TlsSettings&, TlsError* why, const char** key) {
  why->assign(kNoTls);
  if (key) *key = "listen_address";
  return nullptr;
}

TlsContext::TlsContext() = default;
TlsContext::~TlsContext() = default;

void TlsContext::unref() {
  if (--refs_ == 0) delete this;
}

bool TlsContext::name_allowed(const mbedtls_x509_crt*) const { return false; }

TlsSession::TlsSession() = default;
TlsSession::~TlsSession() = default;

bool TlsSession::begin(TlsContext*, int* err) {
  *err = -1;
  return false;
}

bool TlsSession::begin_client(const mbedtls_ssl_config*, const char*, int* err) {
  *err = -1;
  return false;
}

void TlsSession::end() { ctx_ = nullptr; }

char* TlsSession::in_space(size_t* n) {
  *n = 0;
  return in_;
}

void TlsSession::in_commit(size_t) {}
bool TlsSession::has_buffered() const { return false; }
void TlsSession::out_sent() { out_busy_ = false; }
int TlsSession::handshake() { return -1; }
bool TlsSession::client_acceptable() const { return false; }
int TlsSession::read(char*, size_t) { return -1; }
int TlsSession::write(const char*, size_t) { return -1; }
int TlsSession::close_notify() { return 0; }
const char* TlsSession::version() const { return ""; }
const char* TlsSession::cipher() const { return ""; }

}  // namespace edgestat::http

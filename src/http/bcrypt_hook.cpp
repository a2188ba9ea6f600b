#include "http/bcrypt_hook.hpp"

#include <cstring>

#if EDGESTAT_MUSL_CRYPT_BLOWFISH
// musl's bcrypt, which its crypt_r calls for "$2": CMakeLists.txt says why
// it is called directly in static musl builds.
extern "C" char* __crypt_blowfish(const char* key, const char* setting, char* output);
#elif EDGESTAT_HAVE_BCRYPT
#include <crypt.h>
#endif

#include "core/scan.hpp"

namespace edgestat::http {
namespace {

bool bcrypt_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '/';
}

#if EDGESTAT_MUSL_CRYPT_BLOWFISH
// Output of __crypt_blowfish: the 60-character hash and its NUL (musl's
// crypt_r hands it its crypt_data, which is larger).
char g_crypt[128];
#elif EDGESTAT_HAVE_BCRYPT
// crypt_r's state: 32 KiB in libxcrypt, reserved once (loop thread only).
struct crypt_data g_crypt;
#endif

}  // namespace

bool bcrypt_available() { return EDGESTAT_HAVE_BCRYPT != 0; }

bool bcrypt_hash_valid(std::string_view h, const char** why) {
  if (!bcrypt_available()) {
    *why = "this build has no crypt_r, so no bcrypt (use [auth] users with `edgestat hash-password`)";
    return false;
  }
  bool prefix = h.size() == kBcryptHashChars && h[0] == '$' && h[1] == '2' &&
                (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') && h[3] == '$' && h[6] == '$';
  unsigned cost = prefix && h[4] >= '0' && h[4] <= '9' && h[5] >= '0' && h[5] <= '9'
                      ? unsigned(h[4] - '0') * 10 + unsigned(h[5] - '0')
                      : 0;
  bool body = prefix;
  for (size_t i = 7; body && i < h.size(); ++i) body = bcrypt_char(h[i]);
  if (!body || cost == 0) {
    *why = "not a bcrypt hash ($2y$NN$ and 53 characters of ./A-Za-z0-9)";
    return false;
  }
  if (cost < kMinBcryptCost || cost > kMaxBcryptCost) {
    *why = "bcrypt cost outside 4..14 (too cheap to guess, or seconds per check on a router)";
    return false;
  }
  return true;
}

bool bcrypt_verify(std::string_view hash, std::string_view password) {
#if EDGESTAT_HAVE_BCRYPT
  // crypt_r takes C strings: a password with a NUL byte cannot match, and
  // bcrypt reads at most 72 bytes of it.
  char pw[128];
  char setting[kBcryptHashChars + 1];
  if (hash.size() != kBcryptHashChars || password.size() >= sizeof pw ||
      std::memchr(password.data(), 0, password.size()))
    return false;
  std::memcpy(pw, password.data(), password.size());
  pw[password.size()] = 0;
  std::memcpy(setting, hash.data(), hash.size());
  setting[hash.size()] = 0;
  std::memset(&g_crypt, 0, sizeof g_crypt);
#if EDGESTAT_MUSL_CRYPT_BLOWFISH
  const char* out = __crypt_blowfish(pw, setting, g_crypt);
#else
  const char* out = crypt_r(pw, setting, &g_crypt);
#endif
  std::memset(pw, 0, sizeof pw);
  if (!out || std::strlen(out) != kBcryptHashChars) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < kBcryptHashChars; ++i) diff |= unsigned(static_cast<unsigned char>(out[i]) ^
                                                                  static_cast<unsigned char>(hash[i]));
  return diff == 0;
#else
  (void)hash;
  (void)password;
  return false;
#endif
}

AuthFailureLimiter::Entry* AuthFailureLimiter::find(const IpAddr& client, uint64_t now_ms) {
  for (Entry& e : table_) {
    if (!e.live || !(e.client == client)) continue;
    // Refill one failure per kAuthFailureRefillMs since the last refill.
    uint64_t back = (now_ms - e.last_ms) / kAuthFailureRefillMs;
    if (back >= e.used) {
      e.used = 0;
      e.last_ms = now_ms;
    } else {
      e.used -= static_cast<uint32_t>(back);
      e.last_ms += back * kAuthFailureRefillMs;
    }
    return &e;
  }
  return nullptr;
}

bool AuthFailureLimiter::allow(const IpAddr& client, uint64_t now_ms) {
  Entry* e = find(client, now_ms);
  if (!e || e->used < kAuthFailureBurst) return true;
  ++refused_;
  return false;
}

void AuthFailureLimiter::failed(const IpAddr& client, uint64_t now_ms) {
  Entry* e = find(client, now_ms);
  if (!e) {
    // A free slot, else the one whose last failure is oldest.
    e = &table_[0];
    for (Entry& c : table_) {
      if (!c.live) {
        e = &c;
        break;
      }
      if (c.last_ms < e->last_ms) e = &c;
    }
    *e = Entry{};
    e->client = client;
    e->live = true;
    e->last_ms = now_ms;
  }
  if (e->used < kAuthFailureBurst) ++e->used;
}

}  // namespace edgestat::http

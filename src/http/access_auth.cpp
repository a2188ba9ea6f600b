#include "http/access_auth.hpp"

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/version.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/ascii.hpp"
#include "core/number.hpp"
#include "core/scan.hpp"
#include "http/bcrypt_hook.hpp"
#include "http/request_parser.hpp"

namespace edgestat::http {
namespace {

constexpr std::string_view kHashPrefix = "$pbkdf2-sha256$";

const mbedtls_md_info_t* sha256_info() { return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256); }

int b64_value(char c, bool ab64) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (ab64 ? '.' : '+')) return 62;
  if (c == '/') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Case-insensitive "scheme " prefix; the rest after any spaces in *rest.
bool take_scheme(std::string_view h, std::string_view scheme, std::string_view* rest) {
  if (h.size() <= scheme.size() || !iequals(h.substr(0, scheme.size()), scheme) || h[scheme.size()] != ' ')
    return false;
  *rest = trim(h.substr(scheme.size() + 1));
  return true;
}

}  // namespace

bool ct_equal(const void* a, const void* b, size_t n) {
  const volatile uint8_t* x = static_cast<const volatile uint8_t*>(a);
  const volatile uint8_t* y = static_cast<const volatile uint8_t*>(b);
  uint8_t d = 0;
  for (size_t i = 0; i < n; ++i) d = static_cast<uint8_t>(d | (x[i] ^ y[i]));
  return d == 0;
}

bool random_bytes(void* out, size_t n) {
  uint8_t* p = static_cast<uint8_t*>(out);
  while (n > 0) {
    ssize_t r = getrandom(p, n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

bool sha256(const void* p, size_t n, uint8_t out[kDigestBytes]) {
  return mbedtls_md(sha256_info(), static_cast<const unsigned char*>(p), n, out) == 0;
}

bool pbkdf2_sha256(std::string_view password, const uint8_t* salt, size_t salt_len, uint32_t iterations,
                   uint8_t out[kDigestBytes]) {
  const auto* pw = reinterpret_cast<const unsigned char*>(password.data());
#if MBEDTLS_VERSION_NUMBER >= 0x03030000
  return mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA256, pw, password.size(), salt, salt_len, iterations,
                                       kDigestBytes, out) == 0;
#else
  mbedtls_md_context_t ctx;
  mbedtls_md_init(&ctx);
  bool ok = mbedtls_md_setup(&ctx, sha256_info(), 1) == 0 &&
            mbedtls_pkcs5_pbkdf2_hmac(&ctx, pw, password.size(), salt, salt_len, iterations, kDigestBytes, out) == 0;
  mbedtls_md_free(&ctx);
  return ok;
#endif
}

long base64_decode(std::string_view in, uint8_t* out, size_t cap, bool ab64) {
  if (!ab64) {
    // Padding only at the end, at most two, and only to a multiple of 4.
    size_t pad = 0;
    while (!in.empty() && in.back() == '=' && pad < 2) {
      in.remove_suffix(1);
      ++pad;
    }
    if (pad > 0 && (in.size() + pad) % 4 != 0) return -1;
  }
  if (in.size() % 4 == 1) return -1;
  size_t n = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = b64_value(c, ab64);
    if (v < 0) return -1;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n == cap) return -1;
      out[n++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return -1;
  return static_cast<long>(n);
}

size_t base64_encode(const uint8_t* p, size_t n, char* out, size_t cap, bool ab64) {
  static constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t need = ab64 ? (n * 4 + 2) / 3 : (n + 2) / 3 * 4;
  if (need > cap) return 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = static_cast<uint32_t>(p[i]) << 16;
    size_t k = n - i;
    if (k > 1) v |= static_cast<uint32_t>(p[i + 1]) << 8;
    if (k > 2) v |= p[i + 2];
    size_t chars = k >= 3 ? 4 : k + 1;
    for (size_t j = 0; j < 4; ++j) {
      if (j < chars) {
        char c = kStd[(v >> (18 - 6 * j)) & 63];
        out[o++] = (ab64 && c == '+') ? '.' : c;
      } else if (!ab64) {
        out[o++] = '=';
      }
    }
  }
  return o;
}

bool parse_password_hash(std::string_view s, PasswordHash* out, const char** why) {
  if (!starts_with(s, kHashPrefix)) {
    *why = "password hash must start with $pbkdf2-sha256$ (make one with `edgestat hash-password`)";
    return false;
  }
  std::string_view rest = s.substr(kHashPrefix.size());
  std::string_view iters = next_field(rest, '$');
  std::string_view salt = next_field(rest, '$');
  std::string_view dk = rest;
  auto it = parse_u64(iters);
  if (!it || *it < kMinPbkdf2Iterations || *it > kMaxPbkdf2Iterations) {
    *why = "password hash iterations must be 1000-5000000";
    return false;
  }
  out->iterations = static_cast<uint32_t>(*it);
  long sn = base64_decode(salt, out->salt, sizeof out->salt, true);
  if (sn < 8) {
    *why = "password hash salt is not adapted base64 of 8-64 bytes";
    return false;
  }
  out->salt_len = static_cast<size_t>(sn);
  uint8_t tmp[kDigestBytes + 1];
  if (base64_decode(dk, tmp, sizeof tmp, true) != static_cast<long>(kDigestBytes)) {
    *why = "password hash key is not adapted base64 of 32 bytes";
    return false;
  }
  std::memcpy(out->dk, tmp, kDigestBytes);
  return true;
}

size_t format_password_hash(const PasswordHash& h, char* out, size_t cap) {
  char it[24];
  size_t itn = format_u64(h.iterations, it);
  size_t o = 0;
  auto put = [&](std::string_view s) {
    if (o + s.size() > cap) return false;
    std::memcpy(out + o, s.data(), s.size());
    o += s.size();
    return true;
  };
  if (!put(kHashPrefix) || !put({it, itn}) || !put("$")) return 0;
  size_t n = base64_encode(h.salt, h.salt_len, out + o, cap - o, true);
  if (n == 0) return 0;
  o += n;
  if (!put("$")) return 0;
  n = base64_encode(h.dk, kDigestBytes, out + o, cap - o, true);
  if (n == 0) return 0;
  return o + n;
}

bool make_password_hash(std::string_view password, uint32_t iterations, PasswordHash* out) {
  out->iterations = iterations;
  out->salt_len = kSaltBytes;
  return random_bytes(out->salt, kSaltBytes) && pbkdf2_sha256(password, out->salt, kSaltBytes, iterations, out->dk);
}

Authenticator::Authenticator() {
  if (!random_bytes(key_, sizeof key_)) std::memset(key_, 0, sizeof key_);  // the cache still works, unkeyed
  dummy_.iterations = kMinPbkdf2Iterations;
  dummy_.salt_len = kSaltBytes;
}

void Authenticator::mac(std::string_view password, uint8_t out[kDigestBytes]) const {
  mbedtls_md_hmac(sha256_info(), key_, sizeof key_, reinterpret_cast<const unsigned char*>(password.data()),
                  password.size(), out);
}

bool Authenticator::add_user(std::string_view entry, const char** why) {
  size_t colon = entry.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    *why = "expected name:$pbkdf2-sha256$... (make the hash with `edgestat hash-password`)";
    return false;
  }
  if (nusers_ == kMaxUsers) {
    *why = "too many users";
    return false;
  }
  User& u = users_[nusers_];
  if (!u.name.assign(entry.substr(0, colon))) {
    *why = "user name longer than 64 bytes";
    return false;
  }
  for (size_t i = 0; i < nusers_; ++i)
    if (users_[i].name.view() == u.name.view()) {
      *why = "user listed twice";
      return false;
    }
  std::string_view hash = entry.substr(colon + 1);
  u.bcrypt.clear();
  if (starts_with(hash, "$2")) {
    if (!bcrypt_hash_valid(hash, why)) return false;
    u.bcrypt.assign(hash);
    u.ok_valid = false;
    if (bcrypt_dummy_ < 0) bcrypt_dummy_ = static_cast<int>(nusers_);
    ++nusers_;
    return true;
  }
  if (!parse_password_hash(hash, &u.hash, why)) return false;
  u.ok_valid = false;
  ++nusers_;
  // The dummy costs what the most expensive real user costs.
  if (u.hash.iterations > dummy_.iterations) dummy_.iterations = u.hash.iterations;
  return true;
}

bool Authenticator::add_token(std::string_view entry, bool ingest, const char** why) {
  size_t set = ingest ? 1 : 0;
  if (ntokens_[set] == kMaxTokens) {
    *why = "too many tokens";
    return false;
  }
  uint8_t* out = tokens_[set][ntokens_[set]];
  if (starts_with(entry, "sha256:")) {
    std::string_view hex = entry.substr(7);
    if (hex.size() != 2 * kDigestBytes) {
      *why = "sha256: must be followed by 64 hex digits";
      return false;
    }
    for (size_t i = 0; i < kDigestBytes; ++i) {
      int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        *why = "sha256: must be followed by 64 hex digits";
        return false;
      }
      out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
  } else {
    if (entry.size() < kMinTokenChars) {
      *why = "token shorter than 16 characters (use e.g. `head -c 32 /dev/urandom | base64`)";
      return false;
    }
    sha256(entry.data(), entry.size(), out);
  }
  ++ntokens_[set];
  return true;
}

AuthOutcome Authenticator::check(std::string_view authorization, AuthNeed need, std::string_view* user,
                                  bool may_pbkdf2) {
  std::string_view rest;
  if (take_scheme(authorization, "Basic", &rest)) {
    if (!need.admin || nusers_ == 0) return AuthOutcome::Invalid;
    return check_basic(rest, user, may_pbkdf2);
  }
  if (take_scheme(authorization, "Bearer", &rest)) return check_bearer(rest, need);
  return authorization.empty() ? AuthOutcome::Missing : AuthOutcome::Invalid;
}

AuthOutcome Authenticator::check_basic(std::string_view b64, std::string_view* user_out, bool may_pbkdf2) {
  uint8_t cred[kMaxCredentialBytes];
  long n = base64_decode(b64, cred, sizeof cred, false);
  if (n < 0) return AuthOutcome::Invalid;
  std::string_view c(reinterpret_cast<const char*>(cred), static_cast<size_t>(n));
  size_t colon = c.find(':');
  if (colon == std::string_view::npos) return AuthOutcome::Invalid;
  std::string_view name = c.substr(0, colon), password = c.substr(colon + 1);

  // Find the user without an early exit: every name is compared, padded to
  // the longest length, and the last match wins.
  size_t found = kMaxUsers;
  uint8_t padded[kMaxUserNameBytes] = {};
  bool name_fits = name.size() <= kMaxUserNameBytes;
  if (name_fits) std::memcpy(padded, name.data(), name.size());
  for (size_t i = 0; i < nusers_; ++i) {
    uint8_t theirs[kMaxUserNameBytes] = {};
    std::memcpy(theirs, users_[i].name.view().data(), users_[i].name.size());
    // Integer & on purpose: no short-circuit, so every user costs the same.
    bool eq = (static_cast<unsigned>(ct_equal(padded, theirs, kMaxUserNameBytes)) &
               static_cast<unsigned>(users_[i].name.size() == name.size()) & static_cast<unsigned>(name_fits)) != 0;
    found = eq ? i : found;
  }
  User* u = found < nusers_ ? &users_[found] : nullptr;

  uint8_t m[kDigestBytes];
  mac(password, m);
  if (u && u->ok_valid && ct_equal(m, u->ok_mac, kDigestBytes)) {
    if (user_out) *user_out = u->name.view();
    return AuthOutcome::Ok;
  }
  if (!may_pbkdf2) return AuthOutcome::Costly;
  if ((u && !u->bcrypt.empty()) || (!u && bcrypt_dummy_ >= 0)) {
    ++bcrypt_runs_;
    bool ok = bcrypt_verify(u ? u->bcrypt.view() : users_[bcrypt_dummy_].bcrypt.view(), password);
    if (!u || !ok) return AuthOutcome::Invalid;
    std::memcpy(u->ok_mac, m, kDigestBytes);
    u->ok_valid = true;
    if (user_out) *user_out = u->name.view();
    return AuthOutcome::Ok;
  }
  const PasswordHash& h = u ? u->hash : dummy_;
  uint8_t dk[kDigestBytes];
  ++pbkdf2_runs_;
  if (!pbkdf2_sha256(password, h.salt, h.salt_len, h.iterations, dk)) return AuthOutcome::Invalid;
  bool ok = ct_equal(dk, h.dk, kDigestBytes);
  if (!u || !ok) return AuthOutcome::Invalid;
  std::memcpy(u->ok_mac, m, kDigestBytes);
  u->ok_valid = true;
  if (user_out) *user_out = u->name.view();
  return AuthOutcome::Ok;
}

AuthOutcome Authenticator::check_bearer(std::string_view token, AuthNeed need) {
  uint8_t d[kDigestBytes];
  sha256(token.data(), token.size(), d);
  bool ok = false;
  for (size_t set = 0; set < 2; ++set) {
    bool wanted = set == 0 ? need.admin : need.ingest;
    for (size_t i = 0; i < ntokens_[set]; ++i) ok |= ct_equal(d, tokens_[set][i], kDigestBytes) & wanted;
  }
  return ok ? AuthOutcome::Ok : AuthOutcome::Invalid;
}

}  // namespace edgestat::http

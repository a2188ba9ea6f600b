#pragma once
// HTTP authentication: Basic with salted PBKDF2-SHA256 password hashes, and
// Bearer tokens (one set for reading, one for the ingest endpoints).
//
// Password hashes use passlib's modular format, so they can also be made
// with Python (passlib.hash.pbkdf2_sha256.hash) or `edgestat hash-password`:
//     $pbkdf2-sha256$<iterations>$<salt>$<derived key>
// salt and key in "adapted base64" (standard alphabet, '.' for '+', no '=').
//
// Timing: every comparison of secrets is constant-time; the user name is
// looked up without an early exit; an unknown user runs PBKDF2 against a
// dummy hash with the largest iteration count configured, so a wrong name
// costs what a wrong password costs. A correct password is remembered as
// HMAC-SHA256(process key, password) per user, so Prometheus scraping with
// the right password every 15 s pays PBKDF2 once, not per scrape (bcrypt
// users of exporter-toolkit get the same cache); a wrong password always
// pays the full PBKDF2.
//
// Tokens in the config are either "sha256:<64 hex digits>" (the SHA-256 of
// the token, so the config file holds no usable secret) or the token
// itself (at least 16 characters). A presented token is hashed and compared
// against every configured one.
//
// The loop thread is the only caller (the cache is not locked).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat::http {

// PBKDF2 iterations `edgestat hash-password` uses by default: about 10 ms on
// a 2 GHz x86 core and a few hundred ms on a 580 MHz MIPS router, paid once
// per client (see the cache above) and by every wrong guess.
inline constexpr uint32_t kDefaultPbkdf2Iterations = 20000;
// Fewer than this is refused when a hash is loaded (too cheap to guess).
inline constexpr uint32_t kMinPbkdf2Iterations = 1000;
// More than this would stall the event loop for seconds on a router.
inline constexpr uint32_t kMaxPbkdf2Iterations = 5000000;
inline constexpr size_t kSaltBytes = 16;      // salts we make
inline constexpr size_t kMaxSaltBytes = 64;   // salts we accept
inline constexpr size_t kDigestBytes = 32;    // SHA-256
inline constexpr size_t kMaxUserNameBytes = 64;
// Basic credentials longer than this (decoded) are refused as invalid.
inline constexpr size_t kMaxCredentialBytes = 512;
// Users and tokens per set (a config list holds at most 8 entries).
inline constexpr size_t kMaxUsers = 8;
inline constexpr size_t kMaxTokens = 8;
inline constexpr size_t kMinTokenChars = 16;

struct PasswordHash {
  uint32_t iterations = 0;
  uint8_t salt[kMaxSaltBytes] = {};
  size_t salt_len = 0;
  uint8_t dk[kDigestBytes] = {};
};

// "$pbkdf2-sha256$..." into *out; false with *why.
bool parse_password_hash(std::string_view s, PasswordHash* out, const char** why);
// The modular form into out[cap]; returns its length (0 if it does not fit).
size_t format_password_hash(const PasswordHash& h, char* out, size_t cap);
// A new hash of password with a random salt (getrandom); false on failure.
bool make_password_hash(std::string_view password, uint32_t iterations, PasswordHash* out);

bool pbkdf2_sha256(std::string_view password, const uint8_t* salt, size_t salt_len, uint32_t iterations,
                   uint8_t out[kDigestBytes]);
bool sha256(const void* p, size_t n, uint8_t out[kDigestBytes]);
// Constant-time equality of two equal-length byte strings.
bool ct_equal(const void* a, const void* b, size_t n);
// Fills out[n] from the kernel's CSPRNG.
bool random_bytes(void* out, size_t n);

// Base64 (RFC 4648). ab64: '.' instead of '+', never padded. Decoding
// accepts missing padding; returns the decoded length or -1.
long base64_decode(std::string_view in, uint8_t* out, size_t cap, bool ab64);
size_t base64_encode(const uint8_t* p, size_t n, char* out, size_t cap, bool ab64);

enum class AuthOutcome : uint8_t {
  Ok,       // credentials valid for what was asked
  Missing,  // no Authorization header (or a scheme we do not take)
  Invalid,  // wrong user, password or token, or a malformed header
  Costly,   // deciding needs a PBKDF2 run, which the caller did not allow
};

// Which credential sets a path accepts.
struct AuthNeed {
  bool admin = true;    // users and tokens
  bool ingest = false;  // ingest tokens
};

class Authenticator {
 public:
  Authenticator();

  // "name:$pbkdf2-sha256$..." from [auth] users, or "name:$2y$..." (bcrypt,
  // from web-config.yml's basic_auth_users).
  bool add_user(std::string_view entry, const char** why);
  // A token entry from [auth] tokens (ingest=false) or ingest_tokens.
  bool add_token(std::string_view entry, bool ingest, const char** why);

  bool has_admin() const { return nusers_ > 0 || ntokens_[0] > 0; }
  bool has_ingest() const { return ntokens_[1] > 0; }
  bool has_users() const { return nusers_ > 0; }
  bool has_tokens() const { return ntokens_[0] > 0 || ntokens_[1] > 0; }
  bool has_bcrypt_users() const { return bcrypt_dummy_ >= 0; }
  uint64_t bcrypt_runs() const { return bcrypt_runs_; }

  // Checks an Authorization header value (empty when absent). *user is set
  // to the user name for a good Basic login (for the access log). With
  // may_pbkdf2 false, a Basic login the cache cannot decide (the right
  // password's first use, any wrong password, an unknown user) returns
  // Costly without running PBKDF2, so the caller can check its budget
  // (http/auth_budget.hpp) first and call again.
  AuthOutcome check(std::string_view authorization, AuthNeed need, std::string_view* user = nullptr,
                    bool may_pbkdf2 = true);

  // PBKDF2 runs so far (tests and the benchmark: the cache works).
  uint64_t pbkdf2_runs() const { return pbkdf2_runs_; }

 private:
  struct User {
    FixedString<kMaxUserNameBytes> name;
    PasswordHash hash;
    FixedString<64> bcrypt;  // a web-config.yml bcrypt hash instead (http/bcrypt_hook.hpp)
    uint8_t ok_mac[kDigestBytes] = {};  // HMAC of the last good password
    bool ok_valid = false;
  };
  AuthOutcome check_basic(std::string_view b64, std::string_view* user, bool may_pbkdf2);
  AuthOutcome check_bearer(std::string_view token, AuthNeed need);
  void mac(std::string_view password, uint8_t out[kDigestBytes]) const;

  User users_[kMaxUsers];
  size_t nusers_ = 0;
  uint8_t tokens_[2][kMaxTokens][kDigestBytes] = {};
  size_t ntokens_[2] = {0, 0};
  PasswordHash dummy_;          // what an unknown user is checked against
  uint8_t key_[kDigestBytes];   // per-process HMAC key for the cache
  uint64_t pbkdf2_runs_ = 0;
  // An unknown user's password is checked against the first bcrypt user's
  // hash when there are bcrypt users, so a wrong name costs a bcrypt run.
  int bcrypt_dummy_ = -1;  // index into users_
  uint64_t bcrypt_runs_ = 0;
};

}  // namespace edgestat::http

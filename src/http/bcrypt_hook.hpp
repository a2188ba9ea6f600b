#pragma once
// bcrypt password hashes (exporter-toolkit's basic_auth_users) checked with
// libc's crypt_r: libxcrypt on Debian and glibc systems, musl's own crypt
// on OpenWrt; both implement $2a$, $2b$ and $2y$. A check costs 2^cost
// Blowfish key setups: tens of milliseconds at cost 10 on a router, paid on
// the loop thread. So the authenticator remembers a verified password per
// user (access_auth.hpp, the same cache PBKDF2 users have) and failed
// Basic checks are bounded per client here: a client that keeps guessing
// gets 429 without a bcrypt run until its budget refills.
//
// The loop thread is the only caller.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/access_cidr.hpp"

namespace edgestat::http {

// "$2b$10$" + 22 salt + 31 hash characters.
inline constexpr size_t kBcryptHashChars = 60;
// Costs outside this are refused when a hash is loaded: below is too cheap
// to guess, above would stall the loop for seconds on a router.
inline constexpr unsigned kMinBcryptCost = 4;
inline constexpr unsigned kMaxBcryptCost = 14;
// Whether this build has crypt_r (EDGESTAT_HAVE_BCRYPT).
bool bcrypt_available();

// Format check of "$2a$/$2b$/$2y$NN$..." with a cost in range; *why on failure.
bool bcrypt_hash_valid(std::string_view hash, const char** why);
// True if password hashes to hash (compared in constant time).
bool bcrypt_verify(std::string_view hash, std::string_view password);

// Failed Basic checks a client may make at once, and how fast that budget
// refills: enough for a person mistyping, too few for guessing.
inline constexpr uint32_t kAuthFailureBurst = 5;
inline constexpr uint32_t kAuthFailureRefillMs = 2000;
// Clients tracked; the least recently failing is forgotten first.
inline constexpr size_t kAuthFailureClients = 64;

class AuthFailureLimiter {
 public:
  // False if the client has no failures left (answer 429, check nothing).
  bool allow(const IpAddr& client, uint64_t now_ms);
  // Takes one failure from the client's budget.
  void failed(const IpAddr& client, uint64_t now_ms);
  uint64_t refused() const { return refused_; }

 private:
  struct Entry {
    IpAddr client;
    uint32_t used = 0;       // failures not yet refilled
    uint64_t last_ms = 0;    // last refill point
    bool live = false;
  };
  Entry* find(const IpAddr& client, uint64_t now_ms);
  Entry table_[kAuthFailureClients];
  uint64_t refused_ = 0;
};

}  // namespace edgestat::http

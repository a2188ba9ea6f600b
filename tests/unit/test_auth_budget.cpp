// Tests for src/http/auth_budget.* and its use in access_policy: password
// checks (PBKDF2 on the loop) are bounded per client and globally, over
// budget is 429 + Retry-After without running PBKDF2, and a cached correct
// password needs no budget at all.
#include <doctest/doctest.h>

#include <string>

#include "config/load.hpp"
#include "http/access_policy.hpp"
#include "http/auth_budget.hpp"

using namespace edgestat;
using namespace edgestat::http;

namespace {

std::string b64(const std::string& s) {
  char out[512];
  return std::string(out, base64_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size(), out, sizeof out, false));
}

IpAddr ip(const char* s) {
  IpAddr a;
  REQUIRE(parse_ip(s, &a));
  return a;
}

struct Basic {
  std::string value;
  Header h[1];
  Request r;
  explicit Basic(const std::string& userpass) : value("Basic " + b64(userpass)) {
    h[0] = {"Authorization", value};
    r.method = "GET";
    r.target = "/metrics";
    r.headers = h;
    r.num_headers = 1;
  }
};

}  // namespace

TEST_SUITE("http.auth_budget") {

TEST_CASE("a bucket: not in debt starts a run, the cost is taken after, debt waits for the refill") {
  CostBucket b{250, 1000};
  uint32_t retry = 0;
  CHECK(b.may_start(1000, 50, 250, &retry));
  b.charge(300);  // a slow run: the bucket goes into debt (-50 ms)
  CHECK_FALSE(b.may_start(1000, 50, 250, &retry));
  CHECK(retry == 1);  // 50 ms of debt at 50 ms/s: back in 1 s
  CHECK_FALSE(b.may_start(1999, 50, 250, &retry));
  CHECK(b.may_start(2001, 50, 250, &retry));
  b.charge(1000);  // now -999.95 ms: 20 s
  CHECK_FALSE(b.may_start(2001, 50, 250, &retry));
  CHECK(retry == 20);
  // The refill stops at the burst.
  CHECK(b.may_start(1000000, 50, 250, &retry));
  CHECK(b.tokens == 250);
}

struct Policy {
  Config c{};
  ConfigErrors e;
  AccessPolicy p;
  std::string good = "prom:right-password";
  explicit Policy(uint32_t iterations = kMinPbkdf2Iterations) {
    ConfigLoader l(c, e, {});
    l.apply_defaults();
    PasswordHash h;
    REQUIRE(make_password_hash("right-password", iterations, &h));
    char buf[256];
    c.auth.users.push_back(ConfigString(("prom:" + std::string(buf, format_password_hash(h, buf, sizeof buf))).c_str()));
    REQUIRE(p.init(c));
    REQUIRE(p.configure(c, e));
  }
  int status(const char* peer, const std::string& userpass, uint64_t now, std::string* headers = nullptr) {
    Basic b(userpass);
    char hdr[kAccessHeaderBytes];
    AccessVerdict v = p.check_request(ip(peer), b.r, "/metrics", now, hdr, sizeof hdr);
    if (headers) *headers = std::string(v.extra_headers);
    return v.status;
  }
  uint64_t runs() { return p.authenticator().pbkdf2_runs(); }
  uint64_t refused() const { return p.stats().refused[static_cast<size_t>(Refusal::AuthBudget)]; }
};

TEST_CASE("one client guessing: 401s until its budget is spent, then 429 without PBKDF2") {
  Policy f;
  uint64_t now = 5000;
  int guesses = 0;
  while (f.status("10.0.0.9", "prom:guess", now) == 401) {
    ++guesses;
    REQUIRE(guesses < 100000);  // the budget must end it
  }
  std::string h;
  uint64_t runs = f.runs();
  CHECK(runs == static_cast<uint64_t>(guesses));
  CHECK(f.status("10.0.0.9", "prom:guess", now, &h) == 429);
  CHECK(h.rfind("Retry-After: ", 0) == 0);
  for (int i = 0; i < 1000; ++i) CHECK(f.status("10.0.0.9", "prom:guess", now) == 429);
  CHECK(f.runs() == runs);  // no PBKDF2 ran for the refused guesses
  CHECK(f.refused() >= 1000);
  // An unknown user costs the same budget.
  CHECK(f.status("10.0.0.9", "nobody:x", now) == 429);
  // Another client has its own budget.
  CHECK(f.status("10.0.0.10", "prom:guess", now) == 401);
  // The guesser is served again once its bucket refilled.
  CHECK(f.status("10.0.0.9", "prom:guess", now + 60000) == 401);
}

TEST_CASE("many clients guessing: the global budget ends it; a cached password still logs in") {
  Policy f(kDefaultPbkdf2Iterations);  // ~10 ms a check: the global second lasts ~100 checks
  uint64_t now = 5000;
  // The right password once, while the budget is full: cached from then on.
  CHECK(f.status("10.0.1.1", f.good, now) == 0);
  uint64_t runs_before = f.runs();
  int refused_at = -1;
  for (int c = 0; c < 250 && refused_at < 0; ++c) {
    std::string peer = "10.0.2." + std::to_string(c);
    // Each new address gets one guess, all within the same millisecond.
    if (f.status(peer.c_str(), "prom:guess", now) == 429) refused_at = c;
  }
  REQUIRE(refused_at > 0);  // the global bucket ran out although every client had budget left
  uint64_t runs = f.runs();
  CHECK(runs - runs_before == static_cast<uint64_t>(refused_at));
  CHECK(f.status("10.0.3.1", "prom:guess", now) == 429);
  CHECK(f.runs() == runs);
  // The legitimate scraper is decided by the cache: no budget, no PBKDF2.
  for (int i = 0; i < 100; ++i) CHECK(f.status("10.0.1.1", f.good, now) == 0);
  CHECK(f.status("10.0.3.2", f.good, now) == 0);  // same password from elsewhere: cached too
  CHECK(f.runs() == runs);
}

}  // TEST_SUITE

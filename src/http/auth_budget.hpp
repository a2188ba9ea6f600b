#pragma once
// A budget for password checks. PBKDF2 runs on the loop thread (about 10 ms
// at the default 20 000 iterations on x86, hundreds of ms on a MIPS
// router), so a client guessing passwords as fast as it can would hold the
// loop and every other client's scrape would wait behind its guesses.
// Moving the check to a thread is not an option (three threads at most),
// so the work is bounded instead:
// - a correct password is cached (access_auth.hpp), so a legitimate
//   scraper pays PBKDF2 once, not per scrape, and needs no budget after;
// - each client (rate limiter table, keyed like the rate limit) has a
//   bucket of milliseconds of PBKDF2 it may cause, and all clients share a
//   global one. A check may start while neither is in debt; its measured
//   time is then taken from both (a bucket may go into debt, so a slow
//   router pays in real time, not in guessed check counts). Over budget,
//   the answer is 429 with Retry-After and no PBKDF2 runs.
// Time is passed in (milliseconds), so tests drive it.
#include <cstdint>

namespace edgestat::http {

// One client may keep PBKDF2 busy 5% of the time (a few wrong passwords
// in a row cost nothing noticeable; a guessing loop gets ~5 guesses a
// second on x86 and one every few seconds on a router).
inline constexpr double kAuthClientMsPerSecond = 50;
inline constexpr double kAuthClientBurstMs = 250;
// All clients together 20%: four or forty guessing addresses leave the
// loop 80% of its time for everyone else.
inline constexpr double kAuthGlobalMsPerSecond = 200;
inline constexpr double kAuthGlobalBurstMs = 1000;

struct CostBucket {
  double tokens = 0;     // milliseconds of work that may still start (< 0: debt)
  uint64_t last_ms = 0;  // last refill

  // Refills at rate (ms per second) up to burst; true when a run may start
  // (tokens >= 0). Otherwise *retry_s is the whole seconds until it may
  // (at least 1).
  bool may_start(uint64_t now_ms, double rate, double burst, uint32_t* retry_s);
  // Takes a finished run's cost.
  void charge(double ms) { tokens -= ms; }
};

}  // namespace edgestat::http

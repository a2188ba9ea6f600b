#include "app/hash_password.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "core/number.hpp"
#include "core/scan.hpp"
#include "http/access_auth.hpp"

namespace edgestat {
namespace {

// A password longer than this is refused (Basic credentials are capped at
// http::kMaxCredentialBytes decoded, user name included).
constexpr size_t kMaxPasswordBytes = 256;

// One line from fd into buf; false on EOF before any byte or overflow.
bool read_line(int fd, char* buf, size_t cap, size_t* len) {
  size_t n = 0;
  for (;;) {
    char ch;
    ssize_t r = ::read(fd, &ch, 1);
    if (r <= 0) break;
    if (ch == '\n') {
      *len = n;
      return true;
    }
    if (n + 1 >= cap) return false;
    buf[n++] = ch;
  }
  *len = n;
  return n > 0;
}

bool prompt(const char* what, char* buf, size_t cap, size_t* len) {
  std::fputs(what, stderr);
  std::fflush(stderr);
  termios old, quiet;
  bool tty = tcgetattr(0, &old) == 0;
  if (tty) {
    quiet = old;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(0, TCSAFLUSH, &quiet);
  }
  bool ok = read_line(0, buf, cap, len);
  if (tty) tcsetattr(0, TCSAFLUSH, &old);
  std::fputs("\n", stderr);
  return ok;
}

}  // namespace

int run_hash_password(int argc, char** argv) {
  uint32_t iterations = http::kDefaultPbkdf2Iterations;
  std::string_view user;
  for (int i = 2; i < argc; ++i) {
    std::string_view a(argv[i]);
    if (starts_with(a, "--iterations=")) {
      auto v = parse_u64(a.substr(13));
      if (!v || *v < http::kMinPbkdf2Iterations || *v > http::kMaxPbkdf2Iterations) {
        std::fprintf(stderr, "edgestat hash-password: --iterations must be %u-%u\n", http::kMinPbkdf2Iterations,
                     http::kMaxPbkdf2Iterations);
        return 2;
      }
      iterations = static_cast<uint32_t>(*v);
    } else if (starts_with(a, "--user=")) {
      user = a.substr(7);
      if (user.empty() || user.find(':') != std::string_view::npos || user.size() > http::kMaxUserNameBytes) {
        std::fprintf(stderr, "edgestat hash-password: --user must be 1-64 bytes without ':'\n");
        return 2;
      }
    } else {
      std::fprintf(stderr,
                   "Usage: edgestat hash-password [--iterations=N] [--user=NAME]\n"
                   "Reads the password from the terminal (asked twice) or the first line of stdin,\n"
                   "never from the command line, and prints the line for [auth] users.\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  char pw[kMaxPasswordBytes + 2], again[kMaxPasswordBytes + 2];
  size_t n = 0, m = 0;
  bool tty = isatty(0);
  bool ok = tty ? prompt("Password: ", pw, sizeof pw, &n) : read_line(0, pw, sizeof pw, &n);
  if (ok && tty) ok = prompt("Again: ", again, sizeof again, &m) && m == n && std::memcmp(pw, again, n) == 0;
  if (!ok || n == 0 || n > kMaxPasswordBytes) {
    std::fprintf(stderr, "edgestat hash-password: %s\n",
                 !ok && tty ? "passwords differ or input ended" : "empty or overlong (max 256 bytes) password");
    std::memset(pw, 0, sizeof pw);
    std::memset(again, 0, sizeof again);
    return 1;
  }
  if (n > 0 && pw[n - 1] == '\r') --n;  // a CRLF line from a Windows editor
  http::PasswordHash h;
  bool made = http::make_password_hash({pw, n}, iterations, &h);
  std::memset(pw, 0, sizeof pw);
  std::memset(again, 0, sizeof again);
  char out[256];
  size_t len = made ? http::format_password_hash(h, out, sizeof out) : 0;
  if (len == 0) {
    std::fprintf(stderr, "edgestat hash-password: no randomness from the kernel\n");
    return 1;
  }
  if (!user.empty()) std::printf("%.*s:", int(user.size()), user.data());
  std::printf("%.*s\n", int(len), out);
  return 0;
}

}  // namespace edgestat

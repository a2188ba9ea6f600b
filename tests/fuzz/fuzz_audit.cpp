// libFuzzer target for the autoscaler's audit reader
// (src/scale/audit_reader.hpp): one line of the audit file, as a crash or
// a hand edit may leave it, and the command allowlist over argv built from
// the same bytes (src/scale/command_allowlist.hpp).
//
// Invariants: a parsed record has a token, action, target and state, its
// fields within capacity (never flagged overflowed: a value too long is a
// refused line), params a JSON object; parsing is deterministic; the
// allowlist gives a reason for every refusal and names an argument inside
// argv.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_check.hpp"
#include "scale/audit_reader.hpp"
#include "scale/command_allowlist.hpp"

using namespace edgestat;
using namespace edgestat::scale;

namespace {

void audit_line(std::string_view text) {
  static AuditRecord a, b;
  const char* why = "";
  bool ok = parse_audit_line(text, &a, &why);
  const char* why2 = "";
  FUZZ_CHECK(ok == parse_audit_line(text, &b, &why2));
  if (!ok) {
    FUZZ_CHECK(why && *why);
    return;
  }
  FUZZ_CHECK(!a.token.empty());
  FUZZ_CHECK(!a.token.overflowed() && !a.action.overflowed() && !a.target.overflowed());
  FUZZ_CHECK(!a.params.overflowed() && !a.reason.overflowed());
  FUZZ_CHECK(a.params.empty() || (a.params.view().front() == '{' && a.params.view().back() == '}'));
  FUZZ_CHECK(a.token.view() == b.token.view() && a.params.view() == b.params.view());
  char out[64];
  size_t len = 0;
  if (audit_param(a.params.view(), "address", out, sizeof out, &len)) FUZZ_CHECK(len <= sizeof out);
}

// argv: the input split at NUL bytes (at most 40 arguments).
void allowlist(std::string_view text) {
  char buf[4096];
  size_t n = text.size() < sizeof buf - 1 ? text.size() : sizeof buf - 1;
  std::memcpy(buf, text.data(), n);
  buf[n] = '\0';
  const char* argv[40];
  size_t argc = 0;
  size_t i = 0;
  while (i <= n && argc < 40) {
    argv[argc++] = buf + i;
    i += std::strlen(buf + i) + 1;
  }
  const char* why = "";
  int bad = -2;
  bool ok = command_allowed(argv, argc, &why, &bad);
  FUZZ_CHECK(bad >= -1 && bad < static_cast<int>(argc));
  if (ok) {
    FUZZ_CHECK(bad == -1);
  } else {
    FUZZ_CHECK(why && *why);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1u << 16)) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) allowlist(text);
  else audit_line(text);
  return 0;
}

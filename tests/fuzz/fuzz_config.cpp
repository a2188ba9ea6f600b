// libFuzzer target for the config path: the INI reader (config/ini.hpp)
// and the loader that validates every key (config/load.hpp: apply_ini,
// the value parsers behind it, flags, environment, validate), plus
// parse_listen_address.
//
// Input: INI text, optionally followed by NUL and flag lines ("name=value"
// or a bare "name", as after the leading dashes), optionally followed by
// NUL and environment lines ("EDGESTAT_WEB_MAX_REQUESTS=3"). Seeds:
// config/edgestat.conf and small hand-made files.
//
// Invariants: the reader always ends (End or Error at most once per line,
// and the loader's error-and-continue loop terminates), entries are views
// into the text with non-decreasing line numbers, sections and keys are
// non-empty; error messages are NUL-terminated and within their capacity;
// loading the same input twice gives the same errors.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "collect/registry.hpp"
#include "config/ini.hpp"
#include "config/load.hpp"
#include "core/listen_address.hpp"
#include "fuzz_check.hpp"

using namespace edgestat;
using fuzz::inside;

namespace {

Config g_config;
ConfigErrors g_errors, g_errors2;

void check_reader(std::string_view ini) {
  IniReader r(ini);
  IniEntry e;
  uint32_t last_line = 0;
  size_t lines = 1;
  for (char c : ini) lines += c == '\n';
  size_t steps = 0;
  for (;;) {
    IniStatus st = r.next(&e);
    FUZZ_CHECK(++steps <= lines + 1);
    if (st == IniStatus::End) break;
    if (st == IniStatus::Error) {
      FUZZ_CHECK(r.error() != nullptr && r.error()[0] != '\0');
      FUZZ_CHECK(r.line() >= 1 && r.line() <= lines);
      continue;  // what the loader does: report and read on
    }
    FUZZ_CHECK(!e.section.empty() && !e.key.empty());
    FUZZ_CHECK(inside(e.section, ini) && inside(e.key, ini) && inside(e.value, ini));
    FUZZ_CHECK(e.line >= last_line && e.line >= 1 && e.line <= lines);
    FUZZ_CHECK(e.key.find('\n') == std::string_view::npos && e.value.find('\n') == std::string_view::npos);
    last_line = e.line;
  }
}

// Environment strings copied into one buffer, NUL-terminated, as environ.
char g_env_buf[8192];
char* g_envp[65];

void build_env(std::string_view env) {
  size_t used = 0, n = 0;
  fuzz::for_each_line(env, [&](std::string_view line) {
    if (n + 1 >= sizeof g_envp / sizeof g_envp[0] || used + line.size() + 1 > sizeof g_env_buf) return;
    if (line.find('\0') != std::string_view::npos) return;
    std::memcpy(g_env_buf + used, line.data(), line.size());
    g_env_buf[used + line.size()] = '\0';
    g_envp[n++] = g_env_buf + used;
    used += line.size() + 1;
  });
  g_envp[n] = nullptr;
}

void load(std::string_view ini, std::string_view flags, ConfigErrors& errors) {
  errors = ConfigErrors{};
  ConfigLoader l(g_config, errors, collector_names());
  l.apply_defaults();
  l.apply_ini(ini, "fuzz.conf");
  l.apply_env(g_envp);
  fuzz::for_each_line(flags, [&](std::string_view line) {
    if (line.substr(0, 2) == "--") line.remove_prefix(2);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      (void)ConfigLoader::flag_needs_value(line);
      l.apply_flag(line, {}, false);
    } else {
      l.apply_flag(line.substr(0, eq), line.substr(eq + 1), true);
    }
  });
  l.validate();
  FUZZ_CHECK(errors.items.size() <= ConfigErrors::kMaxListed);
  for (const auto& item : errors.items) {
    FUZZ_CHECK(!item.empty() && item.size() <= item.capacity());
    FUZZ_CHECK(item.c_str()[item.size()] == '\0');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t z1 = in.find('\0');
  std::string_view ini = in.substr(0, z1);
  std::string_view rest = z1 == std::string_view::npos ? std::string_view() : in.substr(z1 + 1);
  size_t z2 = rest.find('\0');
  std::string_view flags = rest.substr(0, z2);
  std::string_view env = z2 == std::string_view::npos ? std::string_view() : rest.substr(z2 + 1);

  check_reader(ini);
  check_reader(in);  // with the NULs, which the reader refuses
  build_env(env);
  load(ini, flags, g_errors);
  load(ini, flags, g_errors2);  // determinism
  FUZZ_CHECK(g_errors.items.size() == g_errors2.items.size() && g_errors.unlisted == g_errors2.unlisted);
  for (size_t i = 0; i < g_errors.items.size(); ++i) FUZZ_CHECK(g_errors.items[i].view() == g_errors2.items[i].view());

  FixedString<64> host;
  uint16_t port = 0;
  const char* why = nullptr;
  std::string_view first_line = in.substr(0, in.find('\n'));
  if (parse_listen_address(first_line, &host, &port, &why)) {
    FUZZ_CHECK(host.size() <= host.capacity());
  } else {
    FUZZ_CHECK(why != nullptr);
  }
  return 0;
}

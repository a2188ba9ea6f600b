// edgestat's command line: run (the daemon), once, check-config, health,
// version, help.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "app/cli.hpp"
#include "app/collection.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "metrics/render.hpp"

extern char** environ;

namespace edgestat {
namespace {

void print_errors(const ConfigErrors& errors, FILE* f) {
  for (const auto& e : errors.items) std::fprintf(f, "edgestat: %s\n", e.c_str());
  if (errors.unlisted) std::fprintf(f, "edgestat: ... and %zu more problems\n", errors.unlisted);
}

int write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w <= 0) return 1;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return 0;
}

int cmd_once(const Config& cfg) {
  Collection col;
  char* body = reserve_array<char>(cfg.limits.render_buffer_bytes);
  if (!col.init(cfg) || !body) {
    log_error("cannot reserve memory for the configured limits");
    return 1;
  }
  col.refresh(cfg);
  OutBuffer out(body, cfg.limits.render_buffer_bytes);
  render_exposition(col.snapshot(), ExpositionFormat::Text004, kAllCollectors, out);
  if (out.overflowed()) {
    log_error("rendered metrics exceed [limits] render_buffer_bytes",
              {{"render_buffer_bytes", cfg.limits.render_buffer_bytes}});
    return 1;
  }
  return write_all(1, out.view().data(), out.size());
}

int cmd_version() {
  std::printf("edgestat version %s (revision %s, target %s)\n", EDGESTAT_VERSION, EDGESTAT_REVISION,
              EDGESTAT_TARGET);
  return 0;
}

}  // namespace
}  // namespace edgestat

int main(int argc, char** argv) {
  using namespace edgestat;
  static ConfigErrors errors;
  CliArgs args = parse_cli(argc, argv, errors);
  if (args.command == Command::Help) {
    print_help(1);
    return 0;
  }
  if (args.command == Command::Version) return cmd_version();
  if (args.bad_usage) {
    print_errors(errors, stderr);
    return 2;
  }
  static Config cfg;
  load_config(args, argc, argv, environ, cfg, errors);
  log_configure(static_cast<LogLevel>(cfg.log.level), static_cast<LogFormat>(cfg.log.format));
  if (args.command == Command::CheckConfig) {
    if (!errors.empty()) {
      print_errors(errors, stdout);
      return 1;
    }
    std::printf("%s: OK\n", cfg.source.c_str());
    return 0;
  }
  if (!errors.empty()) {
    print_errors(errors, stderr);
    return 1;
  }
  if (!args.config_file && cfg.source == "embedded defaults" && args.command == Command::Run)
    log_info("no config file, using embedded defaults", {{"path", kDefaultConfigPath}});
  switch (args.command) {
    case Command::Once: return cmd_once(cfg);
    default:
      std::fprintf(stderr, "edgestat: command not available yet\n");
      return 1;
  }
}

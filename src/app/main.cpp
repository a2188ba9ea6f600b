// edgestat's command line: run (the daemon), once, check-config, health,
// version, help.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "app/agent.hpp"
#include "app/build_features.hpp"
#include "app/build_revision.hpp"
#include "app/cli.hpp"
#include "app/collection.hpp"
#include "app/config_files.hpp"
#include "app/hash_password.hpp"
#include "collect/registry.hpp"
#include "config/defaults_file.hpp"
#include "core/log.hpp"
#include "core/reserve.hpp"
#include "http/health_client.hpp"
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
  std::printf("edgestat version %s (revision %s, target %s)\nfeatures: %.*s\n", EDGESTAT_VERSION, kBuildRevision,
              EDGESTAT_TARGET, int(kBuildFeatures.size()), kBuildFeatures.data());
  return 0;
}

int cmd_print_defaults() {
  static char buf[65536];
  OutBuffer out(buf, sizeof buf);
  CollectorDefault cds[kMaxCollectors];
  size_t n = 0;
  for (const CollectorDesc& c : collectors()) cds[n++] = {c.name, c.default_enabled};
  write_default_config(out, std::span<const CollectorDefault>(cds, n));
  return out.overflowed() ? 1 : write_all(1, out.view().data(), out.size());
}

}  // namespace
}  // namespace edgestat

int main(int argc, char** argv) {
  using namespace edgestat;
  // hash-password has its own flags (not config keys) and reads no config.
  if (argc > 1 && std::string_view(argv[1]) == "hash-password") return run_hash_password(argc, argv);
  static ConfigErrors errors;
  CliArgs args = parse_cli(argc, argv, errors);
  if (args.command == Command::Help) {
    print_help(1);
    return 0;
  }
  if (args.command == Command::Version) return cmd_version();
  if (args.command == Command::PrintDefaults) return cmd_print_defaults();
  if (args.bad_usage) {
    print_errors(errors, stderr);
    return 2;
  }
  // glibc reads /etc/localtime and allocates on the first localtime_r;
  // do it now, before the steady state that must not allocate.
  tzset();
  static Config cfg;
  load_config(args, argc, argv, environ, cfg, errors);
  log_configure(static_cast<LogLevel>(cfg.log.level), static_cast<LogFormat>(cfg.log.format));
  if (args.command == Command::CheckConfig) {
    // The files the config names, loaded the way start-up loads them.
    check_config_files(cfg, errors);
    for (const auto& w : errors.warnings) std::printf("edgestat: warning: %s\n", w.c_str());
    if (errors.unlisted_warnings) std::printf("edgestat: ... and %zu more warnings\n", errors.unlisted_warnings);
    if (!errors.empty()) {
      print_errors(errors, stdout);
      return 1;
    }
    std::printf("%s: OK\n", cfg.source.c_str());
    return 0;
  }
  if (args.command == Command::Health) {
    // The URL defaults to the first listen address; a config with errors
    // still has one (the default), so health works without a good file.
    if (args.health_url) return http::run_health_command(args.health_url);
    FixedString<300> url;
    http::default_health_url(cfg.web.listen_address.empty() ? std::string_view(":9100")
                                                            : cfg.web.listen_address[0].view(),
                             &url);
    return http::run_health_command(url.view());
  }
  if (!errors.empty()) {
    print_errors(errors, stderr);
    return 1;
  }
  log_config_warnings(errors);
  if (!args.config_file && cfg.source == "embedded defaults" && args.command == Command::Run)
    log_info("no config file, using embedded defaults", {{"path", kDefaultConfigPath}});
  switch (args.command) {
    case Command::Once: return cmd_once(cfg);
    case Command::Run: {
      static Agent agent(args, argc, argv, environ, cfg);
      return agent.run();
    }
    default:
      std::fprintf(stderr, "edgestat: command not available yet\n");
      return 1;
  }
}

#include "app/cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "app/build_features.hpp"
#include "app/security_config.hpp"
#include "collect/registry.hpp"
#include "config/schema.hpp"
#include "config/web_config.hpp"
#include "core/log.hpp"
#include "core/out_buffer.hpp"
#include "core/scan.hpp"

namespace edgestat {
namespace {

struct SubcommandName {
  std::string_view name;
  Command command;
};
constexpr SubcommandName kSubcommands[] = {
    {"run", Command::Run},         {"once", Command::Once},       {"check-config", Command::CheckConfig},
    {"version", Command::Version}, {"health", Command::Health},   {"help", Command::Help},
    {"print-defaults", Command::PrintDefaults},
};

// Flags handled here rather than by the config schema.
bool is_cli_only(std::string_view name) { return name == "config.file" || name == "url"; }

}  // namespace

CliArgs parse_cli(int argc, char** argv, ConfigErrors& errors) {
  CliArgs a;
  bool have_command = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (arg == "-h" || arg == "--help") {
      a.command = Command::Help;
      return a;
    }
    if (arg == "--version") {
      a.command = Command::Version;
      return a;
    }
    if (starts_with(arg, "--")) {
      std::string_view body = arg.substr(2);
      size_t eq = body.find('=');
      std::string_view name = body.substr(0, eq);
      bool has_value = eq != std::string_view::npos;
      const char* value = has_value ? argv[i] + 2 + eq + 1 : nullptr;
      bool needs = is_cli_only(name) || ConfigLoader::flag_needs_value(name);
      if (!has_value && needs) {
        if (i + 1 >= argc) {
          errors.add("flag --%.*s needs a value", int(name.size()), name.data());
          a.bad_usage = true;
          continue;
        }
        value = argv[++i];
      }
      if (name == "config.file") a.config_file = value;
      if (name == "url") a.health_url = value;
      continue;
    }
    if (!have_command) {
      bool found = false;
      for (const SubcommandName& s : kSubcommands) {
        if (s.name == arg) {
          a.command = s.command;
          found = true;
        }
      }
      if (!found) {
        errors.add("unknown command \"%s\" (commands: run, once, check-config, health, print-defaults, hash-password, version, help)", argv[i]);
        a.bad_usage = true;
      }
      have_command = true;
      continue;
    }
    if (a.command == Command::CheckConfig && !a.config_file) {
      a.config_file = argv[i];
      continue;
    }
    errors.add("unexpected argument \"%s\"", argv[i]);
    a.bad_usage = true;
  }
  return a;
}

void apply_cli_flags(int argc, char** argv, ConfigLoader& loader, ConfigErrors&) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (!starts_with(arg, "--")) continue;
    std::string_view body = arg.substr(2);
    size_t eq = body.find('=');
    std::string_view name = body.substr(0, eq);
    bool has_value = eq != std::string_view::npos;
    std::string_view value = has_value ? body.substr(eq + 1) : std::string_view();
    bool cli_only = is_cli_only(name);
    if (!has_value && (cli_only || ConfigLoader::flag_needs_value(name))) {
      if (i + 1 >= argc) continue;  // reported by parse_cli
      value = argv[++i];
      has_value = true;
    }
    if (cli_only) continue;
    loader.apply_flag(name, value, has_value);
  }
}

void load_config(const CliArgs& args, int argc, char** argv, char** envp, Config& cfg, ConfigErrors& errors) {
  ConfigLoader loader(cfg, errors, collector_names());
  loader.apply_defaults();
  if (args.config_file) {
    loader.apply_file(args.config_file);
  } else if (access(kDefaultConfigPath, F_OK) == 0) {
    loader.apply_file(kDefaultConfigPath);
  }
  loader.apply_env(envp);
  apply_cli_flags(argc, argv, loader, errors);
  if (!cfg.web.config_file.empty()) apply_web_config_file(cfg.web.config_file.c_str(), cfg, errors);
  loader.validate();
  validate_security_config(cfg, errors);
  validate_build_features(cfg, errors);
}

void log_config_warnings(const ConfigErrors& errors) {
  for (const auto& w : errors.warnings) log_warn("config warning", {{"warning", w.view()}});
  if (errors.unlisted_warnings) log_warn("more config warnings", {{"unlisted", errors.unlisted_warnings}});
}

void print_help(int fd) {
  char buf[32768];
  OutBuffer out(buf, sizeof buf);
  out.put(
      "Usage: edgestat [COMMAND] [FLAGS]\n\n"
      "Commands:\n"
      "  run                 serve metrics (default)\n"
      "  once                collect once and print /metrics to stdout\n"
      "  check-config [FILE] validate a config file (default " );
  out.put(kDefaultConfigPath);
  out.put(
      ")\n"
      "  health [--url URL]  query a running agent's /health, exit 0 when healthy or degraded\n"
      "  print-defaults      print a config file with every key at its default (config/edgestat.conf)\n"
      "  hash-password       print a PBKDF2 hash for [auth] users (password read from the terminal or stdin)\n"
      "  version             print version and build information\n\n"
      "Flags (each is a config key [section] key; later sources win: file, EDGESTAT_* env, flags):\n"
      "  --config.file=PATH\n"
      "  --collector.NAME / --no-collector.NAME   enable or disable a collector:\n     ");
  for (const CollectorDesc& c : collectors()) {
    out.put(' ');
    out.put(c.name);
  }
  out.put('\n');
  for (const KeySpec& k : config_keys()) {
    out.put("  --");
    out.put(k.section);
    out.put('.');
    for (char c : k.key) out.put(c == '_' ? '-' : c);
    out.put("  ");
    out.put(k.help);
    if (!k.default_value.empty() && k.kind != KeyKind::Regex && k.kind != KeyKind::Patterns) {
      out.put(" (default ");
      out.put(k.default_value);
      out.put(')');
    }
    if (k.apply == Apply::Restart) out.put(" Requires a restart.");
    out.put('\n');
  }
  ssize_t r = ::write(fd, out.view().data(), out.size());
  (void)r;
}

}  // namespace edgestat

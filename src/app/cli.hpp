#pragma once
// Command-line parsing: a subcommand and node_exporter-style flags. The
// flags themselves are config keys (config/schema.cpp), applied last.
#include <string_view>

#include "config/config.hpp"
#include "config/load.hpp"

namespace edgestat {

enum class Command { Run, Once, CheckConfig, Version, Help, Health, PrintDefaults };

struct CliArgs {
  Command command = Command::Run;
  const char* config_file = nullptr;  // --config.file or check-config FILE
  const char* health_url = nullptr;   // edgestat health --url URL
  bool bad_usage = false;
};

// First pass over argv: the subcommand, --config.file, --help, --version.
// Problems are added to errors.
CliArgs parse_cli(int argc, char** argv, ConfigErrors& errors);

// Second pass: every other --flag applied to the loader (after file and env).
void apply_cli_flags(int argc, char** argv, ConfigLoader& loader, ConfigErrors& errors);

// Loads the config the way every subcommand does: defaults, the file
// (explicit, or /etc/edgestat/edgestat.conf when present), environment,
// flags, validation.
void load_config(const CliArgs& args, int argc, char** argv, char** envp, Config& cfg, ConfigErrors& errors);

void print_help(int fd);

// Logs each config warning (node_exporter flags edgestat ignores, its
// collectors edgestat lacks) at warn level.
void log_config_warnings(const ConfigErrors& errors);

inline constexpr const char* kDefaultConfigPath = "/etc/edgestat/edgestat.conf";

}  // namespace edgestat

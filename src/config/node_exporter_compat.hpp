#pragma once
// node_exporter 1.12's command line as edgestat understands it, so an
// existing unit file starts edgestat unchanged: every node_exporter
// collector name, and every node_exporter flag edgestat has no key for
// (accepted, warned about, ignored) or knows under another name (the
// deprecated spellings node_exporter still accepts). Flags edgestat
// implements are ordinary config keys (schema.cpp) and are not listed here.
#include <cstddef>
#include <span>
#include <string_view>

namespace edgestat {

struct NodeExporterCollector {
  std::string_view name;
  bool default_enabled;  // node_exporter's default
  std::string_view os;   // "" for Linux; else where node_exporter has it (edgestat is Linux only)
};

// Every collector node_exporter 1.12 registers on any OS, sorted by name.
std::span<const NodeExporterCollector> node_exporter_collectors();
int find_node_exporter_collector(std::string_view name);
inline constexpr size_t kMaxNodeExporterCollectors = 128;

struct IgnoredFlag {
  std::string_view name;  // without dashes: "runtime.gomaxprocs"
  bool boolean;           // kingpin Bool (may be negated, takes no value)
  std::string_view why;   // why edgestat has no use for it
};

// node_exporter flags edgestat accepts and ignores with a warning.
std::span<const IgnoredFlag> ignored_node_exporter_flags();
const IgnoredFlag* find_ignored_flag(std::string_view name);

struct FlagAlias {
  std::string_view name;      // node_exporter's deprecated flag
  std::string_view section;   // the edgestat key it sets
  std::string_view key;
};
// Deprecated node_exporter spellings of flags edgestat implements.
const FlagAlias* find_flag_alias(std::string_view name);

}  // namespace edgestat

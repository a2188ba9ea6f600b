#pragma once
// Builds a Config from embedded defaults, then the INI file, then
// EDGESTAT_<SECTION>_<KEY> environment variables, then flags (last wins).
// Every problem is collected with where it came from (file:line, the
// variable, the flag), the key and why, so check-config can list them all.
#include <cstdint>
#include <span>
#include <string_view>

#include "config/config.hpp"
#include "config/errors.hpp"
#include "core/fixed_string.hpp"
#include "core/fixed_vector.hpp"

namespace edgestat {

class ConfigLoader {
 public:
  // collector_names: every collector in registry order (its id), so
  // [collector] NAME keys can be checked without config depending on collect.
  ConfigLoader(Config& c, ConfigErrors& e, std::span<const std::string_view> collector_names);

  // Sets every key to its default.
  void apply_defaults();
  // Applies INI text; origin names it in errors (a path).
  void apply_ini(std::string_view text, std::string_view origin);
  // Reads and applies a file; a missing file is an error here (the caller
  // decides whether a missing default file means embedded defaults).
  void apply_file(const char* path);
  // Applies EDGESTAT_* variables from a NULL-terminated environ array.
  void apply_env(char* const* envp);
  // One flag, without its leading dashes: name "web.listen-address". A
  // negated boolean comes as "no-collector.cpu". has_value tells whether
  // "=value" was given (booleans may omit it).
  bool apply_flag(std::string_view name, std::string_view value, bool has_value);
  // Whether a flag name takes a value (so "--flag value" can be parsed).
  static bool flag_needs_value(std::string_view name);
  // Cross-key checks; call once after all sources.
  void validate();

 private:
  void validate_export();
  // A [collector] NAME switch for a node_exporter collector edgestat lacks.
  bool set_missing_collector(std::string_view key, std::string_view value, const char* where);
  // Resolves a relative path against the working directory.
  void make_absolute(ConfigString& p, std::string_view section, std::string_view key);
  void apply_export_entry(std::string_view section, std::string_view key, std::string_view value,
                          std::string_view origin, uint32_t line);
  void apply_group_entry(std::string_view section, std::string_view key, std::string_view value,
                         std::string_view origin, uint32_t line);
  bool set(std::string_view section, std::string_view key, std::string_view value, bool append, OriginKind kind,
           std::string_view origin, uint32_t line);

  Config& c_;
  ConfigErrors& e_;
  std::span<const std::string_view> collectors_;
  // Keys seen in the file (duplicates are errors) and in flags (the first
  // flag for a list replaces the file's list, later ones append).
  uint64_t file_seen_[4] = {};
  uint64_t flag_seen_[4] = {};
  uint64_t collector_seen_file_ = 0;
  uint64_t export_seen_[8] = {};
  uint32_t group_seen_[kMaxAutoscaleGroups] = {};  // per group: keys set  // per target slot: keys set (duplicates are errors)
};

}  // namespace edgestat

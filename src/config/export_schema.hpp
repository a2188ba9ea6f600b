#pragma once
// The keys of one push target section ([export.remote_write.NAME],
// [export.otlp.NAME]): one table, read by the loader, check-config and
// print-defaults, like schema.hpp's for the fixed sections.
#include <span>
#include <string_view>

#include "config/config.hpp"
#include "config/schema.hpp"

namespace edgestat {

inline constexpr std::string_view kExportSectionPrefix = "export.";

struct ExportKeySpec {
  KeySpec spec;  // section unused; field unused
  void* (*field)(ExportTargetConfig&);
};

std::span<const ExportKeySpec> export_target_keys();
const ExportKeySpec* find_export_key(std::string_view key);

// "export.remote_write.NAME" -> kind and name; false (with *why) if the
// section is export.* but malformed.
bool parse_export_section(std::string_view section, ExportKind* kind, std::string_view* name, const char** why);
std::string_view export_kind_name(ExportKind k);

// Sets every key of t to its default.
bool export_target_defaults(ExportTargetConfig& t, const char** bad_key, const char** why);
// The file line that set key in t, or the section's first line when the key
// kept its default.
uint32_t export_key_line(const ExportTargetConfig& t, std::string_view key);
bool set_export_key(ExportTargetConfig& t, const ExportKeySpec& k, std::string_view value, const char** why);

}  // namespace edgestat

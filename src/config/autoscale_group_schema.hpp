#pragma once
// The keys of one [autoscale.group.NAME] section: one table, read by the
// loader, check-config and the README, like export_schema.hpp's.
#include <span>
#include <string_view>

#include "config/autoscale_group_config.hpp"
#include "config/errors.hpp"
#include "config/schema.hpp"

namespace edgestat {

inline constexpr std::string_view kGroupSectionPrefix = "autoscale.group.";

struct GroupKeySpec {
  KeySpec spec;  // section and field unused
  void* (*field)(AutoscaleGroupConfig&);
};

std::span<const GroupKeySpec> autoscale_group_keys();
const GroupKeySpec* find_group_key(std::string_view key);

// "autoscale.group.NAME" -> NAME; false (with *why) when NAME is malformed.
bool parse_group_section(std::string_view section, std::string_view* name, const char** why);
bool group_defaults(AutoscaleGroupConfig& g, const char** bad_key, const char** why);
bool set_group_key(AutoscaleGroupConfig& g, const GroupKeySpec& k, std::string_view value, const char** why);
// The file line that set key in g, or the section's first line.
uint32_t group_key_line(const AutoscaleGroupConfig& g, std::string_view key);

// Cross-key checks after loading (min <= max, lower < upper, the address
// range, names): each error names file:line of the key at fault.
void validate_groups(const AutoscaleGroupsConfig& gs, ConfigErrors& e);

}  // namespace edgestat

#pragma once
// The keys of [autoscale] and [autoscale.tier.NAME] (autoscale_config.hpp):
// one table of policy keys valid in both, plus the global-only and
// tier-only ones. The loader hands every entry of those sections here.
#include <cstdint>
#include <string_view>

#include "config/autoscale_config.hpp"
#include "config/errors.hpp"

namespace edgestat {

inline constexpr std::string_view kAutoscaleSection = "autoscale";
inline constexpr std::string_view kAutoscaleTierPrefix = "autoscale.tier.";

// True for [autoscale] and every [autoscale.*] section (unknown ones are errors here).
bool is_autoscale_section(std::string_view section);

// One INI entry of those sections; problems go to errs with origin:line.
void apply_autoscale_entry(AutoscaleConfig& a, ConfigErrors& errs, std::string_view section, std::string_view key,
                           std::string_view value, std::string_view origin, uint32_t line);

// After every source: tiers inherit unset keys from [autoscale]; bounds are
// checked (min > max, thresholds, percentiles, reserve above the host's
// size: host_cores and host_memory from the caller).
void finish_autoscale(AutoscaleConfig& a, ConfigErrors& errs, double host_cores, double host_memory);

// The tier a container belongs to (first match), -1 for none or ignored.
// The first tier (in file order) whose containers match name or whose tags
// include one of pve_tags (the container's Proxmox "tags:" value, empty
// for a plain LXC container); -1 when none does or name is ignored.
int autoscale_tier_of(const AutoscaleConfig& a, std::string_view name, std::string_view pve_tags = {});
// Whether a Proxmox tags value (separated by ';', ',' or spaces, as pct(1)
// accepts them) holds tag; compared without case, as Proxmox does.
bool pve_tags_contain(std::string_view pve_tags, std::string_view tag);
bool autoscale_ignored(const AutoscaleConfig& a, std::string_view name);

}  // namespace edgestat

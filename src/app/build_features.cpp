#include "app/build_features.hpp"

#include "collect/registry.hpp"
#include "config/export_schema.hpp"
#include "config/origin.hpp"

namespace edgestat {

void validate_build_features(const Config& c, ConfigErrors& errors) {
  if (!kAutoscaleBuilt) {
    // Sections switched off ask for nothing this build lacks: one config
    // file can serve lean routers and full hosts of a fleet. Tiers only
    // act when [autoscale] is on; a group has its own mode.
    const AutoscaleConfig& a = c.autoscale;
    constexpr const char* kWhy = "this edgestat was built without the autoscaler (EDGESTAT_AUTOSCALE=OFF); "
                                 "set mode = off, remove the section or install a full build";
    if (a.mode != AutoscaleMode::Off) {
      if (a.line != 0) errors.add("%s:%u: [autoscale]: %s", a.file.c_str(), a.line, kWhy);
      for (const AutoscaleTierConfig& t : a.tiers)
        errors.add("%s:%u: [autoscale.tier.%s]: %s", t.file.c_str(), t.line, t.name.c_str(), kWhy);
    }
    for (const AutoscaleGroupConfig& g : c.autoscale_groups.groups)
      if (g.mode != static_cast<uint8_t>(GroupMode::Off))
        errors.add("%s:%u: [autoscale.group.%s]: %s", g.file.c_str(), g.line, g.name.c_str(), kWhy);
  }
  if (!kExportBuilt)
    for (const ExportTargetConfig& x : c.exporter.targets)
      errors.add("%s:%u: [export.%.*s.%s]: this edgestat was built without the push exporter (EDGESTAT_EXPORT=OFF); "
                 "remove the section or install a full build",
                 x.file.c_str(), x.line, int(export_kind_name(x.kind).size()), export_kind_name(x.kind).data(),
                 x.name.c_str());
  if (!kLxcBuilt) {
    int id = find_collector("lxc");
    if (id >= 0 && c.collector_switch[size_t(id)] == 1)
      errors.add("%s[collector] lxc = true: this edgestat was built without the lxc collector (EDGESTAT_LXC=OFF); "
                 "leave it off or install a full build",
                 collector_where(c, size_t(id), "lxc").c_str());
  }
}

}  // namespace edgestat

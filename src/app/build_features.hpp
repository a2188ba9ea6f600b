#pragma once
// Which optional parts this binary has. Firmware builders ship a lean
// variant the way OpenWrt ships wpad-basic next to wpad-openssl: CMake's
// EDGESTAT_TLS, EDGESTAT_AUTOSCALE, EDGESTAT_EXPORT and EDGESTAT_LXC (all
// ON by default; `make cross VARIANT=lean` turns the last three off, README
// "Size"). A part left out is not compiled: its *_none.cpp stands in with
// the same interface, and a config that asks for it is refused by
// validate_build_features with the section's file:line, so check-config,
// start-up and SIGHUP say what is missing instead of silently doing less.
// The config schema stays whole: check-config still validates the syntax.
#include <string_view>

#include "config/config.hpp"
#include "config/errors.hpp"

namespace edgestat {

#ifdef EDGESTAT_NO_TLS
#define EDGESTAT_FEATURE_TLS_ ""
#else
#define EDGESTAT_FEATURE_TLS_ ",tls"
#endif
#ifdef EDGESTAT_NO_AUTOSCALE
inline constexpr bool kAutoscaleBuilt = false;
#define EDGESTAT_FEATURE_AUTOSCALE_ ""
#else
inline constexpr bool kAutoscaleBuilt = true;
#define EDGESTAT_FEATURE_AUTOSCALE_ ",autoscale"
#endif
#ifdef EDGESTAT_NO_EXPORT
inline constexpr bool kExportBuilt = false;
#define EDGESTAT_FEATURE_EXPORT_ ""
#else
inline constexpr bool kExportBuilt = true;
#define EDGESTAT_FEATURE_EXPORT_ ",export"
#endif
#ifdef EDGESTAT_NO_LXC
inline constexpr bool kLxcBuilt = false;
#define EDGESTAT_FEATURE_LXC_ ""
#else
inline constexpr bool kLxcBuilt = true;
#define EDGESTAT_FEATURE_LXC_ ",lxc"
#endif

// "tls,autoscale,export,lxc" for a full build, "none" when all are out:
// --version and edgestat_build_info{features=...}.
inline constexpr std::string_view kBuildFeatures =
    sizeof(EDGESTAT_FEATURE_TLS_ EDGESTAT_FEATURE_AUTOSCALE_ EDGESTAT_FEATURE_EXPORT_ EDGESTAT_FEATURE_LXC_) > 1
        ? std::string_view(EDGESTAT_FEATURE_TLS_ EDGESTAT_FEATURE_AUTOSCALE_ EDGESTAT_FEATURE_EXPORT_
                               EDGESTAT_FEATURE_LXC_)
              .substr(1)
        : std::string_view("none");

// Errors for every part of the config that needs a part this build lacks:
// [autoscale], [autoscale.tier.*], [autoscale.group.*], [export.*.*] and
// the lxc collector switched on ([collector] lxc = true, --collector.lxc,
// EDGESTAT_COLLECTOR_LXC). Nothing in a full build.
void validate_build_features(const Config& c, ConfigErrors& errors);

}  // namespace edgestat

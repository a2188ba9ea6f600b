#pragma once
// Horizontal scaling groups: [autoscale.group.NAME] sections, up to
// kMaxAutoscaleGroups, each with every key of autoscale_group_keys()
// (config/autoscale_group_schema.cpp). Like the push targets, named
// sections live in the INI file only, every key is validated and errors
// name file:line; they size memory, so a change needs a restart.
#include <cstddef>
#include <cstdint>

#include "config/config_types.hpp"

namespace edgestat {

// A few groups per edge box; each keeps a table of its clones.
inline constexpr size_t kMaxAutoscaleGroups = 8;

enum class GroupMode : uint8_t { On, Recommend, Off };     // key order: "on|recommend|off"
enum class GroupScaleIn : uint8_t { Stop, Destroy };      // "stop|destroy"

struct AutoscaleGroupConfig {
  FixedString<64> name;
  ConfigString file;  // where the section starts, for errors
  uint32_t line = 0;
  static constexpr size_t kMaxKeys = 32;
  uint32_t key_lines[kMaxKeys] = {};  // indexed like autoscale_group_keys(); 0: not set

  ConfigString base;  // the container cloned (kept stopped: LXC clones a stopped container)
  uint64_t min_instances = 0, max_instances = 0;
  uint64_t cpu_upper = 0, cpu_lower = 0, memory_upper = 0, memory_lower = 0;  // percent
  uint64_t scale_out_grace_ms = 0, scale_in_grace_ms = 0;
  ConfigString clone_prefix;  // clones are PREFIX-SEQ; empty: the group's name
  bool snapshot = false;      // lxc-copy -s
  ConfigString address_range;  // "10.0.3.100-10.0.3.150"; empty: the clone keeps the base's network
  uint64_t address_prefix = 0;
  ConfigString gateway;
  ConfigString health_command;  // argv split at blanks, run with lxc-attach
  uint64_t copy_timeout_ms = 0, start_timeout_ms = 0, command_timeout_ms = 0;
  uint8_t scale_in = 0;  // GroupScaleIn
  uint8_t mode = 0;      // GroupMode
};

struct AutoscaleGroupsConfig {
  FixedVector<AutoscaleGroupConfig, kMaxAutoscaleGroups> groups;
};

}  // namespace edgestat

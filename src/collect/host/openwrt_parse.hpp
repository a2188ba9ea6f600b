#pragma once
// Pure parsers behind node_openwrt_info, which OpenWrt's
// prometheus-node-exporter-lua (and its ucode sibling) builds from ubus's
// `system board`: procd reads /etc/openwrt_release for the release
// fields, /tmp/sysinfo/{model,board_name} for the board, and picks the
// "system" string out of /proc/cpuinfo.
#include <string_view>

#include "core/fixed_string.hpp"

namespace edgestat {

struct OpenwrtRelease {
  std::string_view id, release, revision, target;  // DISTRIB_ID, _RELEASE, _REVISION, _TARGET
};

// KEY='value' lines (also "value" or bare); the quotes are dropped, keys
// are matched case-insensitively as procd does; unknown keys and lines
// without '=' are ignored. Never fails: missing keys stay empty.
void parse_openwrt_release(std::string_view text, OpenwrtRelease* out);

// The first line of a /tmp/sysinfo file or of a device-tree string, up to
// a tab, newline or NUL, as procd's strtok(line, "\t\n") keeps it.
std::string_view sysinfo_first_line(std::string_view text);

// procd's "system": the first "system type", "processor", "cpu" or
// "model name" line whose value is not a plain number (MIPS: "MediaTek
// MT7621 ver:1 eco:3", 32-bit ARM and x86: the model name); else, on arm64,
// "ARMv8 Processor rev N" from "CPU revision"; on RISC-V "RISC-V (<isa>)";
// else machine (uname -m).
void openwrt_system(std::string_view cpuinfo, std::string_view machine, FixedString<128>* out);

}  // namespace edgestat

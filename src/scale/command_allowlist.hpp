#pragma once
// What the autoscaler may run, checked before anything is spawned: a fixed
// table of programs (lxc-* and Proxmox's pct), for pct its subcommands, and
// for each the options it may pass and what their values must look like
// (an LXC container name, a Proxmox id, a number, a cgroup key, a short
// printable value). lxc_autoscale ran `pct` through a shell with names
// pasted in; here a name with a space, a slash or a leading dash is refused
// before a process exists. Pure: no I/O, fed argv vectors in tests.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat::scale {

// LXC's own limit on a container name is the path length; names here also
// become host names and cgroup directory names, so keep them short.
inline constexpr size_t kMaxContainerName = 64;
// Proxmox VMIDs are 100..999999999 (pvesh's vmid format).
inline constexpr uint64_t kMinProxmoxId = 100;
inline constexpr uint64_t kMaxProxmoxId = 999999999;
// One option value (a cgroup value such as "50000 100000", a pct -net0
// string): longer than this is not something the autoscaler writes.
inline constexpr size_t kMaxArgValue = 256;
// Arguments after `lxc-attach ... --` (the health command): bounded so the
// runner's fixed argv storage always has room.
inline constexpr size_t kMaxAttachArgs = 16;

// [A-Za-z0-9][A-Za-z0-9_.-]* up to kMaxContainerName: no slash (a path),
// no leading dash (an option), no blanks or shell bytes.
bool valid_container_name(std::string_view s);
// Decimal, no sign or leading zero, within [kMinProxmoxId, kMaxProxmoxId].
bool valid_proxmox_id(std::string_view s);

// Checks argv (argc entries, argv[0] the program's bare name, never a
// path) against the table. On refusal returns false and sets *why to a
// static sentence naming the problem (and *bad_arg to the index of the
// offending argument, or -1).
bool command_allowed(const char* const* argv, size_t argc, const char** why, int* bad_arg);

}  // namespace edgestat::scale

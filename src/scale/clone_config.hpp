#pragma once
// A clone's LXC config as the group actuator writes it: the base's config
// (as lxc-copy left it) with edgestat's ownership marker and, when the
// group has an address range, the static address. Pure text functions over
// caller buffers, so the rules are unit-tested without containers.
//
// The marker is three comment lines LXC ignores:
//   # edgestat.group = web
//   # edgestat.seq = 3
//   # edgestat.token = 18c3a4f1e2b-3f2-7
// A container whose config lacks the marker of the group is never stopped
// or destroyed by that group: not the base, not a container someone made
// by hand with a similar name.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edgestat::scale {

struct CloneMarker {
  std::string_view group;  // views into the config text; empty when absent
  int64_t seq = -1;
  std::string_view token;
};

// Reads the marker lines (the last of each wins).
CloneMarker read_clone_marker(std::string_view config);

// Calls fn(ctx, address) for each lxc.net.N.ipv4.address in the config
// (the address part, without /prefix): what is taken already.
void for_each_ipv4_address(std::string_view config, void (*fn)(void* ctx, uint32_t addr), void* ctx);

struct CloneSettings {
  std::string_view group, token;
  int64_t seq = 0;
  uint32_t address = 0;  // 0: leave the network config alone
  uint32_t prefix = 24;
  uint32_t gateway = 0;  // 0: none
};

// Writes config into out with old marker lines dropped (a base copied from
// a clone carries one), and, when s.address is set, every
// lxc.net.0.ipv4.address / .gateway line replaced; then the marker and
// address lines appended. Returns the length, or 0 when out is too small.
size_t rewrite_clone_config(std::string_view config, const CloneSettings& s, char* out, size_t cap);

}  // namespace edgestat::scale

#pragma once
// Where each key's value came from: the file and line, the environment
// variable or the flag that set it last. The loader records it; checks that
// run after loading (cross-key rules, CIDRs, listen addresses, TLS files)
// use it so that every error names file:line as the INI parser's own do.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_types.hpp"
#include "core/fixed_string.hpp"

namespace edgestat {

struct Config;

// The schema has about a hundred keys; the loader's bitsets hold 256.
inline constexpr size_t kMaxConfigKeys = 256;

enum class OriginKind : uint8_t { Default, File, Env, Flag };

struct KeyOrigin {
  OriginKind kind = OriginKind::Default;
  uint32_t line = 0;  // File only
};

struct ConfigOrigins {
  std::array<KeyOrigin, kMaxConfigKeys> keys{};  // indexed like config_keys()
  ConfigString file;                              // the one INI file applied
};

// "PATH:LINE: ", "environment EDGESTAT_WEB_LISTEN_ADDRESS: ",
// "flag --web.listen-address: ", or "" when the key has its built-in
// default (then the message's "[section] key" is all there is to name).
using KeyWhere = FixedString<320>;
KeyWhere key_where(const Config& c, std::string_view section, std::string_view key);

// The same for a [collector] NAME switch (collector id `id`): "PATH:LINE: ",
// "environment EDGESTAT_COLLECTOR_LXC: ", "flag --collector.lxc: " or "".
KeyWhere collector_where(const Config& c, size_t id, std::string_view name);

// The first of two keys that was set somewhere (not left at its default),
// for errors about a combination: it names the line a person wrote.
KeyWhere pair_where(const Config& c, std::string_view section_a, std::string_view key_a, std::string_view section_b,
                    std::string_view key_b);

}  // namespace edgestat

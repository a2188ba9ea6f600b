#pragma once
// Buffers whose size is a product of config keys, checked before anything
// is reserved: on a 32-bit build (armv7, mips) a large product would wrap
// to a small allocation (core/checked.hpp), so such a config is an error
// naming the keys and the total instead.
#include <cstdint>

#include "config/config.hpp"
#include "config/errors.hpp"
#include "core/checked.hpp"

namespace edgestat {

// Each connection's read buffer holds a request head of at most this much
// plus [web] max_body_bytes (http::kMaxHeadBytes; server.cpp asserts they
// agree, config/ does not depend on http/).
inline constexpr uint64_t kConnectionHeadBytes = 8192;

// Adds an error for every product over limit (tests pass 32-bit limits).
void validate_sizes(const Config& c, ConfigErrors& e, uint64_t limit = kMaxObjectBytes);

}  // namespace edgestat

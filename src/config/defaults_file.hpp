#pragma once
// Writes the reference config file: every key of the schema, commented
// out at its default, with its help line. config/edgestat.conf is this
// output, and a unit test keeps the two identical.
#include <span>
#include <string_view>

#include "core/out_buffer.hpp"

namespace edgestat {

struct CollectorDefault {
  std::string_view name;
  bool enabled;
};

void write_default_config(OutBuffer& out, std::span<const CollectorDefault> collectors);

}  // namespace edgestat

#pragma once
// Pure parser for /proc/vmstat lines: "name value", e.g. "pgfault 12062569".
#include <string_view>

namespace edgestat {

enum class VmstatLine { Field, Blank, Malformed };

// Splits one line into its field name and value. Blank lines are Blank.
// Malformed: no value, a value Go's strconv.ParseFloat would refuse (where
// node_exporter fails the whole collector, or panics when the value is
// missing), or a name that cannot be part of a metric name. Tokens after
// the value are ignored, as node_exporter ignores them.
VmstatLine parse_vmstat_line(std::string_view line, std::string_view* name, double* value);

}  // namespace edgestat

#pragma once
// Shell wildcard matching: what fnmatch(pattern, name, 0) answers, for the
// ASCII names it is used on (LXC container names in [autoscale] tier and
// ignore lists). Own code instead of libc's fnmatch because musl's pulls in
// its wide-character class and case tables (~16 KB of the static binary,
// toolchains/size_map.sh) for a matcher that is a screenful.
//
// Grammar (POSIX fnmatch without flags): `*` any run of characters, `/` and
// a leading `.` included; `?` one character; `[...]` one character of a set
// of characters, ranges `a-z` and classes `[:alpha:]` (ASCII), negated by a
// leading `!` or `^`, a `]` first in the set is literal; an unterminated `[`
// is a literal `[`; `\` makes the next character literal.
#include <string_view>

namespace edgestat {

bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace edgestat

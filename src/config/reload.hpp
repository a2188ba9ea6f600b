#pragma once
// What a SIGHUP reload may change. Keys marked Apply::Restart in the schema
// size memory reserved at start, bind sockets or name the lock, so a
// reload cannot apply them: the next config gets the running value back
// and the caller logs each one as "requires restart". Everything else
// applies at once.
#include <cstddef>

#include "config/config.hpp"
#include "config/schema.hpp"

namespace edgestat {

// Whether k holds the same value in a and b (lists item by item, regexes by
// their source text).
bool same_value(const KeySpec& k, const Config& a, const Config& b);

// Copies the running value of every restart key whose value differs in next
// back into next. The first cap such keys are stored in kept; the return
// value counts them all.
size_t keep_restart_values(const Config& running, Config& next, const KeySpec** kept, size_t cap);

}  // namespace edgestat

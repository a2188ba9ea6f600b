#pragma once
// A readable HTML rendering of a JSON document, for people who open a JSON
// endpoint (/health, /api/v1/*) in a browser: objects become two-column
// tables, arrays of objects tables with a header row from the first
// object's keys, arrays of arrays plain tables, arrays of scalars a
// comma-separated line. Every string is HTML-escaped (names and values
// come from the box and from ingested records). Pure: input text in,
// markup into a caller-owned buffer, no allocation.
#include <cstddef>
#include <string_view>

#include "core/out_buffer.hpp"

namespace edgestat::web {

// Nesting deeper than this is refused (the agent's documents nest 4 deep).
inline constexpr size_t kMaxJsonHtmlDepth = 16;

// Writes a whole HTML page titled `title` (the request path) around the
// rendering of json. False when json is not one valid JSON value (or nests
// deeper than kMaxJsonHtmlDepth) or out overflowed; out then holds junk.
bool render_json_html(std::string_view json, std::string_view title, OutBuffer& out);

// The markup for json alone (no page around it); false as above.
bool json_to_html(std::string_view json, OutBuffer& out);

// Appends s with & < > " ' escaped.
void put_escaped(OutBuffer& out, std::string_view s);

}  // namespace edgestat::web

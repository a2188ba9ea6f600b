#pragma once
// Renderers over a finished Snapshot. They write into a caller-owned
// OutBuffer; on overflow the buffer says so and the caller answers with an
// error rather than a truncated exposition.
#include <cstdint>

#include "core/out_buffer.hpp"
#include "metrics/snapshot.hpp"

namespace edgestat {

enum class ExpositionFormat : uint8_t { Text004, OpenMetrics100 };

inline constexpr const char* kContentTypeText = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr const char* kContentTypeOpenMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";

// collector_mask: bit i set = include samples of collector id i.
void render_exposition(const Snapshot& snap, ExpositionFormat fmt, uint64_t collector_mask, OutBuffer& out);
void render_json(const Snapshot& snap, uint64_t collector_mask, OutBuffer& out);

}  // namespace edgestat

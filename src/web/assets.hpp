#pragma once
// The status page's files (src/web/: index.html, app.js, style.css,
// favicon.svg), embedded gzip-compressed at build time by src/web/embed.py.
// Only the compressed bytes are in the binary: a browser takes gzip, and a
// client that refuses it is told so (app/web_handlers.cpp). No allocation,
// no I/O: a lookup in a constant table.
#include <cstddef>
#include <span>
#include <string_view>

namespace edgestat::web {

// Everything the page loads, compressed, must stay within this: the page is
// for a router's web port and a phone on a weak link (README, status page).
inline constexpr size_t kAssetBudgetBytes = 25 * 1024;

struct Asset {
  const char* path;          // URL path: "/", "/app.js"...
  const char* content_type;  // of the uncompressed content
  std::string_view gzip;     // the body as served (Content-Encoding: gzip)
  size_t size;               // uncompressed bytes
};

// Generated (embed.py).
extern const Asset kAssets[];
extern const size_t kAssetCount;

inline std::span<const Asset> assets() { return {kAssets, kAssetCount}; }
// The asset served at path, or null.
const Asset* find_asset(std::string_view path);
// Compressed bytes of every asset together (the size budget's measure).
size_t assets_gzip_bytes();

}  // namespace edgestat::web

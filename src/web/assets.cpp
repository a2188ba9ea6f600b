#include "web/assets.hpp"

namespace edgestat::web {

const Asset* find_asset(std::string_view path) {
  for (const Asset& a : assets())
    if (path == a.path) return &a;
  return nullptr;
}

size_t assets_gzip_bytes() {
  size_t n = 0;
  for (const Asset& a : assets()) n += a.gzip.size();
  return n;
}

}  // namespace edgestat::web

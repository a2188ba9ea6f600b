#include "core/reserve.hpp"

#include <atomic>

namespace edgestat {
namespace {
std::atomic<size_t> g_reserved{0};
}

size_t reserved_bytes() { return g_reserved.load(std::memory_order_relaxed); }
void note_reserved(size_t n) { g_reserved.fetch_add(n, std::memory_order_relaxed); }

}  // namespace edgestat

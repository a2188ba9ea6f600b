#include "collect/lxc/observer.hpp"

namespace edgestat::lxc {
namespace {
StatsObserver g_fn = nullptr;
void* g_ctx = nullptr;
}  // namespace

void set_stats_observer(StatsObserver fn, void* ctx) {
  g_fn = fn;
  g_ctx = ctx;
}

void notify_stats_observer(const Discovery& d, const Container& ct, const ContainerStats* stats) {
  if (g_fn) g_fn(g_ctx, d, ct, stats);
}

}  // namespace edgestat::lxc

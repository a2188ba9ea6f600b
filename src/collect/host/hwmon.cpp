// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_hwmon(CollectContext&) { return Status::error("hwmon: not implemented yet"); }
}  // namespace edgestat

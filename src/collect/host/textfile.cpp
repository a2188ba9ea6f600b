// PLACEHOLDER: being written; replaced by the real collector.
#include "collect/host/host.hpp"
namespace edgestat {
Status collect_textfile(CollectContext&) { return Status::error("textfile: not implemented yet"); }
}  // namespace edgestat

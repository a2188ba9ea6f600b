// -DEDGESTAT_AUTOSCALE=OFF (app/build_features.hpp): /api/v1/autoscaler
// stays a known path and says why there is nothing, instead of the
// router's bare 404 a client could take for a wrong URL. The status page
// does not call it; it draws the autoscaler column from the
// lxc_autoscaler_* families, absent here as with [autoscale] mode = off.
#include "app/autoscale_wiring.hpp"

#include "app/render_cache.hpp"
#include "core/log.hpp"

namespace edgestat {

bool AutoscaleWiring::add_routes(http::Router& router, http::BodyPool&) {
  if (router.add("/api/v1/autoscaler", http::kMethodGet | http::kMethodHead, "api", handle_api, this, false, true) <
      0) {
    log_error("the route table is full");
    return false;
  }
  return true;
}

void AutoscaleWiring::handle_api(void*, http::Exchange& ex) {
  static constexpr std::string_view kBody =
      "{\"error\":\"not built\",\"status\":404,\"reason\":\"this edgestat was built without the autoscaler "
      "(EDGESTAT_AUTOSCALE=OFF)\"}\n";
  ex.reply.status = 404;
  ex.reply.content_type = kJsonType;
  ex.reply.body = kBody;
}

}  // namespace edgestat

// Operations, zones and agreements through the strategic engine (src/plan).
#include "server/service_internal.h"

namespace deconflict::server {

void Service::RegisterPlanRoutes(Router&) {}

}  // namespace deconflict::server

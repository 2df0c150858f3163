#pragma once

#include "actors/feed_gateway.hpp"
#include "actors/job_gateway.hpp"
#include "actors/webhook_gateway.hpp"

namespace actodo::web {

/// The web layer's doors besides the todo `gateway`, each owned by a
/// service of `main`. A null one makes its routes answer 503.
struct service_gateways {
  actors::webhook_gateway* hooks = nullptr;
  actors::job_gateway* jobs = nullptr;
  actors::feed_gateway* feeds = nullptr;
};

} // namespace actodo::web

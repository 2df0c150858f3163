#pragma once

#include <functional>

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/behavior.hpp"
#include "caf/event_based_actor.hpp"

namespace actodo::actors {

/// Work for a gateway worker: make one request, answer one callback. Never
/// leaves the node (it holds a callback into the web layer).
struct gateway_job {
  std::function<void(caf::event_based_actor*)> fn;
};

/// A long-lived actor that runs the jobs of a plain-C++ facade (the web
/// layer's gateways): they make requests and hand the answers to the
/// callbacks, so no io thread ever blocks on an actor and no actor is
/// spawned per call.
caf::behavior gateway_worker(caf::event_based_actor* self);

} // namespace actodo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actodo::actors::gateway_job)

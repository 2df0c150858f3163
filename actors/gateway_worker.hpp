#pragma once

#include <functional>

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/behavior.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/expected.hpp"
#include "caf/send.hpp"

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

/// Has `worker` ask `dest` with `xs` and hand the typed answer (or the
/// error) to `cb`: the one way the plain-C++ gateways of io/ call their
/// actors.
template<class T, class Handle, class... Ts>
void ask_through(const caf::actor& worker, Handle dest, caf::timespan timeout,
                 std::function<void(caf::expected<T>)> cb, Ts... xs) {
  auto job = [=](caf::event_based_actor* self) {
    self->request(dest, timeout, xs...)
      .then([cb](T& x) { cb(std::move(x)); },
            [cb](caf::error& err) { cb(std::move(err)); });
  };
  caf::anon_send(worker, gateway_job{std::move(job)});
}

} // namespace actodo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actodo::actors::gateway_job)

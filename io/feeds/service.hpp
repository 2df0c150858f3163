#pragma once

#include <memory>

#include "caf/actor_system.hpp"

#include "actors/feed_gateway.hpp"
#include "actors/interfaces.hpp"
#include "io/feeds/feeds.hpp"
#include "persistence/feed_store.hpp"

namespace actodo::io::feeds {

/// Calendar feeds on one node, wired: the `feeds` actor (detached: it owns
/// the blocking store) and the gateway the web layer calls.
class service {
 public:
  service(caf::actor_system& sys,
          std::shared_ptr<persistence::feed_store> store, feeds_settings cfg,
          caf::timespan timeout);

  ~service();

  actors::feed_gateway& gate() {
    return *gate_;
  }

  /// Stops the actors. Before the actor system goes.
  void shutdown();

 private:
  actors::feeds_actor actor_;
  caf::actor worker_;
  std::unique_ptr<actors::feed_gateway> gate_;
};

} // namespace actodo::io::feeds

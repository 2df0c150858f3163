#pragma once

#include <memory>

#include "caf/actor_system.hpp"

#include "actors/interfaces.hpp"
#include "actors/webhook_gateway.hpp"
#include "config/settings.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::io::webhooks {

class http_poster;
struct webhook_metrics;

/// Webhooks on one node, wired: the poster's thread, the `webhooks` actor
/// (detached: it owns the blocking store) with its deliverers, the
/// journal's commit notifications, and the gateway the web layer calls.
class service {
 public:
  service(caf::actor_system& sys,
          std::shared_ptr<persistence::webhook_store> store,
          config::webhook_options options, actors::journal_actor journal,
          actors::user_directory_actor directory, caf::timespan timeout,
          bool clustered, std::shared_ptr<webhook_metrics> stats);

  ~service();

  actors::webhook_gateway& gate() {
    return *gate_;
  }

  actors::webhooks_actor actor() const {
    return actor_;
  }

  /// Stops the actors, then the poster (whose pending callbacks hold
  /// deliverer handles). Before the actor system goes.
  void shutdown();

 private:
  std::shared_ptr<http_poster> poster_;
  actors::webhooks_actor actor_;
  caf::actor worker_;
  std::unique_ptr<actors::webhook_gateway> gate_;
};

} // namespace actodo::io::webhooks

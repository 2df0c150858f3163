#pragma once

#include <memory>

#include "caf/actor_system.hpp"

#include "actors/interfaces.hpp"
#include "actors/job_gateway.hpp"
#include "io/jobs/jobs.hpp"
#include "persistence/job_store.hpp"

namespace actodo::io::jobs {

/// Import jobs on one node, wired: the `jobs` actor (detached: it owns the
/// blocking store) with its job actors, and the gateway the web layer
/// calls.
class service {
 public:
  service(caf::actor_system& sys, std::shared_ptr<persistence::job_store> store,
          jobs_settings cfg);

  ~service();

  actors::job_gateway& gate() {
    return *gate_;
  }

  /// Stops the actors (running jobs resume at the next start). Before the
  /// actor system goes.
  void shutdown();

 private:
  actors::jobs_actor actor_;
  caf::actor worker_;
  std::unique_ptr<actors::job_gateway> gate_;
};

} // namespace actodo::io::jobs

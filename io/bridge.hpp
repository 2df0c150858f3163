#pragma once

#include <memory>

#include "caf/actor_system.hpp"

#include "actors/gateway.hpp"
#include "actors/interfaces.hpp"
#include "config/metrics.hpp"
#include "io/kafka_client.hpp"

namespace actodo::io {

/// The Kafka side of a node: egress, ingress and (gateway mode) the HTTP
/// gateway that produces commands. Start after the node, stop before it.
class bridge {
 public:
  bridge(caf::actor_system& sys, actors::journal_actor journal,
         actors::user_directory_actor directory, actors::gateway& inner,
         kafka_settings settings, std::shared_ptr<config::metrics> stats,
         caf::timespan timeout);

  ~bridge();

  /// The gateway the web layer uses: `inner`, or in gateway mode one that
  /// produces writes to the commands topic.
  actors::gateway& gate();

  void shutdown();

 private:
  caf::actor egress_;
  caf::actor ingress_;
  actors::gateway* inner_;
  std::unique_ptr<actors::gateway> routed_;
};

} // namespace actodo::io

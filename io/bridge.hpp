#pragma once

#include <future>
#include <memory>
#include <vector>

#include "caf/actor_system.hpp"

#include "actors/gateway.hpp"
#include "actors/interfaces.hpp"
#include "io/kafka_client.hpp"
#include "io/kafka_metrics.hpp"

namespace actodo::io {

/// The Kafka side of a node: egress, ingress and (gateway mode) the HTTP
/// gateway that produces commands. Start after the node, stop before it.
class bridge {
 public:
  bridge(caf::actor_system& sys, actors::journal_actor journal,
         actors::user_directory_actor directory, actors::gateway& inner,
         kafka_settings settings, std::shared_ptr<kafka_metrics> stats,
         caf::timespan timeout,
         actors::ownership_listener_actor ownership = {});

  ~bridge();

  /// Waits (at most `timeout`) until every Kafka client is up; an error
  /// (e.g. properties librdkafka accepts one by one but not together) means
  /// the node must not report ready.
  caf::error started(caf::timespan timeout);

  /// The gateway the web layer uses: `inner`, or in gateway mode one that
  /// produces writes to the commands topic.
  actors::gateway& gate();

  void shutdown();

 private:
  caf::actor egress_;
  caf::actor ingress_;
  actors::gateway* inner_;
  std::unique_ptr<actors::gateway> routed_;
  std::vector<std::future<caf::error>> starts_;
  caf::error gateway_error_;
};

} // namespace actodo::io

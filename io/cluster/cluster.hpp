#pragma once

#include <memory>
#include <string>

#include "caf/actor_system.hpp"
#include "caf/error.hpp"
#include "caf/io/middleman_actor.hpp"

#include "actors/interfaces.hpp"
#include "actors/node_metrics.hpp"
#include "config/config.hpp"
#include "config/settings.hpp"

namespace actodo::io {
class tls_relay;
} // namespace actodo::io

namespace actodo::io::redis {
class redis_subscriber;
} // namespace actodo::io::redis

namespace actodo::io::cluster {

class tls_dialer;

/// Before the actor system starts: checks the Redis URI and the TLS files
/// (errors name the option: exit 2), sets the command consumer's session
/// timeout and assignment strategy.
caf::error prepare(config::app_config& cfg);

/// What `cluster::start` needs besides the `cluster.*` options.
struct cluster_settings : config::cluster_options {
  /// The node's data directory (the TLS endpoint's Unix socket).
  std::string data_dir;
  caf::timespan timeout{};
  /// Claims partitions in the store and reports fenced commits.
  actors::journal_actor journal;
  /// Also gets every routing table (the webhooks); may be null.
  actors::routing_listener_actor routing_listener;
};

/// Cluster mode of a node (docs/cluster.md): the cluster agent, its BASP
/// endpoint (mutual TLS through a `tls_relay`, or plain on loopback) and a
/// Redis subscriber that tells the agent when the partition map changes.
/// Start after the node, before the Kafka bridge (whose consumer reports
/// ownership to `agent()`); stop after the bridge.
class cluster {
 public:
  cluster(caf::actor_system& sys, actors::user_directory_actor directory,
          actors::node_metrics stats);

  ~cluster();

  cluster(const cluster&) = delete;
  cluster& operator=(const cluster&) = delete;

  /// Opens the endpoint and starts the agent. Errors: a bad Redis URI or
  /// unreadable TLS files (`invalid_field`), a port that cannot be opened.
  caf::error start(cluster_settings settings);

  /// The node serves HTTP at `http` (`host:port`): the agent joins the
  /// registry and starts its heartbeat.
  void announce(const std::string& http);

  /// The agent (hears the Kafka consumer's assignments; answers `nodes`).
  actors::cluster_agent_actor agent() const {
    return agent_;
  }

  /// `host:port` other nodes dial.
  const std::string& address() const {
    return address_;
  }

  /// Stops the subscriber, the agent (it leaves the registry) and the
  /// endpoint.
  void shutdown();

 private:
  caf::actor_system& sys_;
  actors::user_directory_actor directory_;
  actors::node_metrics stats_;
  actors::cluster_agent_actor agent_;
  std::unique_ptr<tls_relay> relay_;
  std::shared_ptr<tls_dialer> dialer_;
  caf::io::middleman_actor connector_;
  std::unique_ptr<redis::redis_subscriber> subscriber_;
  std::string address_;
};

} // namespace actodo::io::cluster

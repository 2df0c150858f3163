#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "caf/io/middleman_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "actors/node_metrics.hpp"
#include "io/redis/cluster_registry.hpp"
#include "io/redis/redis_connection.hpp"

namespace actodo::io::cluster {

/// What a node's cluster agent needs (filled by `cluster::start`).
struct agent_settings {
  std::string node_id;
  /// `host:port` other nodes dial for BASP.
  std::string address;
  /// `host:port` of the node's HTTP server.
  std::string http;
  redis::redis_endpoint redis;
  /// Registry entry lifetime (and Kafka's session timeout).
  caf::timespan session_timeout{};
  caf::timespan heartbeat{};
  /// Dials peers with mutually authenticated TLS (`tls_dialer`); null:
  /// plain BASP through CAF's middleman.
  caf::io::middleman_actor connector;
  caf::timespan timeout{};
  /// Claims the assigned partitions in the store (their fencing epochs)
  /// and reports the commits it fenced.
  actors::journal_actor journal;
  /// Also gets every routing table (the webhooks); may be null.
  actors::routing_listener_actor routing_listener;
};

/// Keeps this node's view of the cluster: its registry entry in Redis
/// (heartbeat with TTL), the partitions the Kafka consumer group gave it
/// (claimed in the store, which bumps their fencing epochs, then published
/// with that epoch), the partition map of the other nodes
/// and one BASP link per peer (the node with the smaller id dials and says
/// `hello`; both learn the other's directory). Every change becomes a
/// `routing_table` for the node's directory. Runs detached: hiredis
/// blocks.
struct cluster_agent_state {
  static inline const char* name = "cluster-agent";

  struct peer {
    std::string address;
    actors::user_directory_actor directory;
  };

  cluster_agent_state() = default;
  cluster_agent_state(const cluster_agent_state&) = delete;
  cluster_agent_state& operator=(const cluster_agent_state&) = delete;
  /// Leaves the registry.
  ~cluster_agent_state();

  actors::cluster_agent_actor::pointer self = nullptr;
  agent_settings settings;
  actors::user_directory_actor directory;
  actors::node_metrics stats;
  std::unique_ptr<redis::redis_connection> conn;
  std::unique_ptr<redis::cluster_registry> registry;
  int64_t since_ms = 0;
  /// Partitions of the commands topic (0 until the first assignment).
  int32_t partitions = 0;
  /// The epoch of a partition whose claim is pending (or failed and is
  /// retried at the next heartbeat).
  static constexpr int64_t unclaimed = 0;
  /// The epoch of a partition another node claimed after this one: it is
  /// not served until Kafka assigns it again or the map shows no owner.
  static constexpr int64_t yielded = -1;
  /// The partitions Kafka assigned to this node and the epoch it claimed
  /// for each; only those with an epoch (> 0) are served here.
  std::map<int32_t, int64_t> owned;
  /// Partitions with a claim on its way to the store.
  std::set<int32_t> claiming;
  /// The users whose presence this node wrote last time.
  std::set<std::string> presence_sent;
  /// When each partition was last yielded.
  std::map<int32_t, std::chrono::steady_clock::time_point> yielded_at;
  /// The partition map as Redis last said.
  std::map<int32_t, redis::partition_owner> owners;
  std::map<std::string, peer> peers;
  /// Peers being dialed (one attempt at a time each).
  std::set<std::string> dialing;
  /// Peers whose last dial failed (logged once).
  std::set<std::string> unreachable;
  /// The Redis connection's generation when everything was last written.
  uint64_t written_generation = 0;
  bool redis_ok = true;
  actors::routing_table sent;

  void heartbeat();
  void assign(int32_t total, const std::vector<int32_t>& parts);
  void revoke(const std::vector<int32_t>& parts);
  /// Claims every unclaimed partition in the store, then publishes each
  /// with its new epoch.
  void claim_pending();
  /// Publishes `p` at the epoch it holds (after a claim or a reconnect):
  /// never over a newer owner's entry.
  void publish_owner(int32_t p);
  /// The store refused commits of `p` at `epoch`: another node claimed it.
  void fenced(int32_t p, int64_t epoch);
  /// Reads the partition map; yields what another node claimed later and
  /// claims again what Kafka gave this node and nobody holds.
  void refresh_owners();
  void dial(const redis::node_record& node);
  void add_peer(const std::string& id, std::string address,
                actors::user_directory_actor dir);
  void peer_down(const caf::actor_addr& dir);
  /// Sends the directory a new table when ownership or peers changed.
  void publish_routes();
  /// Writes which users have sessions here (and removes those that left).
  void put_presence(const std::map<std::string, int64_t>& now);
  /// Logs a Redis failure once per outage.
  void redis_failed(const caf::error& err, const char* what);
  std::vector<actors::node_info> node_list();
};

actors::cluster_agent_actor::behavior_type cluster_agent(
  actors::cluster_agent_actor::stateful_pointer<cluster_agent_state> self,
  agent_settings settings, actors::user_directory_actor directory,
  actors::node_metrics stats);

} // namespace actodo::io::cluster

#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/meta/type_name.hpp"

namespace actodo::actors {

/// Which node's `user_directory` owns each partition of the commands topic
/// (cluster mode). The cluster agent sends a new table to its node's
/// directory whenever ownership changes; a user's partition is
/// `domain::partition_of(user, partitions)`.
struct routing_table {
  /// Partitions of the commands topic; 0: not known yet (nothing routes).
  int32_t partitions = 0;
  /// The owning directory per partition (local or remote); invalid: no
  /// owner right now (commands get 503 with `Retry-After`).
  std::vector<caf::actor> owners;
  /// The owning node's id per partition (empty: none), for the console.
  std::vector<std::string> nodes;
  /// The epoch this node claimed for each partition it owns (0 elsewhere):
  /// its lists fence every commit with it.
  std::vector<int64_t> epochs;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, routing_table& x) {
  return f(caf::meta::type_name("routing_table"), x.partitions, x.owners,
           x.nodes, x.epochs);
}

/// One node of the cluster as the registry knows it (console `nodes`).
struct node_info {
  std::string id;
  /// BASP address other nodes dial (`host:port`).
  std::string address;
  std::vector<int32_t> partitions;
  /// Resident `todo_list`s and open WebSocket sessions.
  int64_t users = 0;
  int64_t sessions = 0;
  /// Up since (ms since the epoch).
  int64_t since_ms = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(caf::meta::type_name("node_info"), x.id, x.address, x.partitions,
           x.users, x.sessions, x.since_ms);
}

} // namespace actodo::actors

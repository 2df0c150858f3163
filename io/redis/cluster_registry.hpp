#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "io/redis/cluster_records.hpp"
#include "io/redis/redis_connection.hpp"

namespace actodo::io::redis {

/// The cluster's shared state in Redis, under a key prefix (`actodo:`):
/// - `<prefix>node:<id>`: a hash per live node (expires with its TTL),
///   `<prefix>nodes`: a sorted set of node ids scored by expiry time;
/// - `<prefix>owners`: a hash partition -> `<epoch> <node>`; changes are
///   published on the channel `<prefix>partitions` (`partition_change`);
/// - `<prefix>presence:<user>`: a sorted set per user of the nodes that
///   hold sessions of the user, scored by expiry time.
/// Expiry times are the Redis server's clock (Lua `redis.call('TIME')`),
/// in ms; only durations (TTLs) come from the caller. Each call is one or
/// two round trips on `conn`, and what must be atomic runs in a script.
/// Errors: `ec::invalid_field` for bad arguments (nothing sent), the
/// connection's errors otherwise. Blocking and not thread-safe, like the
/// connection it borrows.
class cluster_registry {
 public:
  explicit cluster_registry(redis_connection& conn,
                            std::string prefix = "actodo:");

  const std::string& prefix() const noexcept {
    return prefix_;
  }

  /// The channel of partition changes (`<prefix>partitions`).
  std::string partitions_channel() const {
    return prefix_ + "partitions";
  }

  /// Writes (or refreshes) `node`, alive for `ttl` from now.
  caf::error put_node(const node_record& node, std::chrono::milliseconds ttl);

  /// The live nodes, sorted by id (drops the expired ones from the index).
  caf::expected<std::vector<node_record>> nodes();

  /// Removes the node at once (a clean shutdown).
  caf::error remove_node(const std::string& id);

  /// Stores `owner` for `partition` only if the stored epoch is lower (or
  /// there is none) and then publishes the change; whether it was written.
  caf::expected<bool> put_owner(int32_t partition,
                                const partition_owner& owner);

  /// The partition map.
  caf::expected<std::map<int32_t, partition_owner>> owners();

  /// Removes the owner of `partition` if it is held at `epoch` and then
  /// publishes the change (node `-`). None also when there is no owner;
  /// `ec::conflict` when another epoch holds it.
  caf::error clear_owner(int32_t partition, int64_t epoch);

  /// Records that `node` holds sessions of each user, for `ttl` from now;
  /// a count of 0 (or less) removes the node's entry. One round trip.
  caf::error put_presence(const std::string& node,
                          const std::map<std::string, int64_t>& sessions,
                          std::chrono::milliseconds ttl);

  /// The nodes holding sessions of `user` (entries not expired), sorted.
  caf::expected<std::vector<std::string>> presence(const std::string& user);

  /// Removes the entry of `node` for `user`.
  caf::error drop_presence(const std::string& node, const std::string& user);

 private:
  std::string node_key(const std::string& id) const {
    return prefix_ + "node:" + id;
  }

  std::string presence_key(const std::string& user) const {
    return prefix_ + "presence:" + user;
  }

  redis_connection& conn_;
  std::string prefix_;
};

} // namespace actodo::io::redis

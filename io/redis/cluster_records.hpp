#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "io/redis/redis_reply.hpp"

namespace actodo::io::redis {

/// One live node of the cluster, as it announces itself.
struct node_record {
  /// 1-128 characters from [A-Za-z0-9._:@-], starting with a letter or a
  /// digit (see `valid_node_id`).
  std::string id;
  /// BASP endpoint, `host:port`.
  std::string address;
  /// HTTP endpoint, `host:port`.
  std::string http;
  /// When the node started (its wall clock, ms since the epoch).
  int64_t since_ms = 0;
  /// The partitions it owns.
  std::vector<int32_t> partitions;
  int64_t users = 0;
  int64_t sessions = 0;
};

/// Who owns a partition, since which epoch (higher epochs win).
struct partition_owner {
  std::string node;
  int64_t epoch = 0;
};

/// A change of the partition map, as published on the partitions channel:
/// `<partition> <node> <epoch>`, with the node `-` when the owner was
/// cleared.
struct partition_change {
  int32_t partition = 0;
  /// Empty when the owner was cleared.
  std::string node;
  int64_t epoch = 0;
};

/// Whether `id` may name a node (no spaces, no glob characters, never `-`).
bool valid_node_id(const std::string& id);

/// `ec::invalid_field` naming the first bad field of `node` (`node.id`,
/// `node.address`, ...), none when it is fine.
caf::error validate(const node_record& node);

/// The hash fields of `node`: field, value, field, value, ...
std::vector<std::string> encode_fields(const node_record& node);

/// The node `id` from its hash (an HGETALL reply); `ec::invalid_record`
/// when a field is missing or malformed.
caf::expected<node_record> decode_node(const std::string& id,
                                       const redis_reply& fields);

/// The stored form of an owner: `<epoch> <node>`.
std::string encode_owner(const partition_owner& owner);

caf::expected<partition_owner> decode_owner(const std::string& text);

std::string encode_change(const partition_change& change);

/// Parses a message of the partitions channel; `ec::invalid_record` when
/// it is not one.
caf::expected<partition_change>
parse_partition_change(const std::string& payload);

/// Parses a whole decimal integer; false when `text` is not one.
bool parse_integer(const std::string& text, int64_t& out);

} // namespace actodo::io::redis

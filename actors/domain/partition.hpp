#pragma once

#include <cstdint>
#include <string_view>

namespace actodo::actors::domain {

/// Kafka's murmur2 hash (Java client `Utils.murmur2`, librdkafka
/// `rd_murmur2`) of `key`.
uint32_t murmur2(std::string_view key);

/// The partition of `actodo.commands` a user belongs to: Kafka's default
/// partitioner on the user id (`murmur2(key) & 0x7fffffff) % partitions`),
/// so a record keyed by the user id and an HTTP request for that user name
/// the same partition, hence the same owning node. `partitions` > 0.
int32_t partition_of(std::string_view user_id, int32_t partitions);

} // namespace actodo::actors::domain

#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "io/cloud_events.hpp"
#include "io/kafka_client.hpp"
#include "io/kafka_metrics.hpp"
#include "io/offset_tracker.hpp"

namespace actodo::io {

namespace atom = actodo::atom;

/// A consumer-group member on the commands topic.
using kafka_ingress_actor = caf::typed_actor<
  // Polls the consumer and the reply producer, commits offsets, re-arms.
  caf::reacts_to<atom::tick>,
  // Dispatches a command again after a failed request (token).
  caf::reacts_to<atom::retry, uint64_t>>;

/// Each record becomes a command for the user's `todo_list` (through the
/// directory); its result goes to the reply topic, a record that does not
/// decode to the DLQ. A record is finished when that result or DLQ record
/// is acknowledged by Kafka (results come after durability), and offsets
/// are committed only up to the first unfinished record per partition.
struct kafka_ingress_state {
  static inline const char* name = "kafka-ingress";

  kafka_ingress_state() = default;
  kafka_ingress_state(const kafka_ingress_state&) = delete;
  kafka_ingress_state& operator=(const kafka_ingress_state&) = delete;
  /// Flushes replies, commits what is finished, leaves the group.
  ~kafka_ingress_state();

  kafka_ingress_actor::pointer self = nullptr;
  actors::user_directory_actor directory;
  /// Cluster mode: hears every assignment and revocation (may be null).
  actors::ownership_listener_actor ownership;
  kafka_settings settings;
  std::shared_ptr<kafka_metrics> stats;
  caf::timespan timeout{};
  kafka_handle consumer;
  kafka_handle producer;
  offset_tracker offsets;
  /// A record whose command or reply is on its way.
  struct pending {
    kafka_record rec;
    actors::command cmd;
    /// Set when the record goes to the DLQ.
    std::optional<record_error> error;
  };

  /// By token (the delivery report's opaque).
  std::unordered_map<uint64_t, pending> open;
  uint64_t next_token = 1;
  caf::actor_clock::time_point last_lag_check{};

  void poll();
  void handle(kafka_record rec);
  void dispatch(uint64_t token);
  void answer(uint64_t token, const actors::command_outcome& x);
  void reject(uint64_t token);
  void delivered(uint64_t token, bool ok);
  void commit(bool sync);
  void update_lag();
  /// Partitions of the commands topic (metadata); 0 when unknown.
  int32_t partition_count();
};

kafka_ingress_actor::behavior_type
kafka_ingress(kafka_ingress_actor::stateful_pointer<kafka_ingress_state> self,
              actors::user_directory_actor directory,
              actors::ownership_listener_actor ownership,
              kafka_settings settings, std::shared_ptr<kafka_metrics> stats,
              caf::timespan timeout, start_promise started);

} // namespace actodo::io

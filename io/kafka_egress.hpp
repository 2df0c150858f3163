#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "io/kafka_client.hpp"
#include "io/kafka_metrics.hpp"

namespace actodo::io {

namespace atom = actodo::atom;

/// Tails the outbox through the journal and produces every committed event
/// to the events topic (reminders also to the reminders topic).
using kafka_egress_actor = actors::outbox_listener_actor::extend<
  // Serves delivery reports and re-arms itself.
  caf::reacts_to<atom::tick>>;

/// The event log is the outbox: the published position only advances over
/// ids whose every record Kafka acknowledged, contiguously from the start,
/// and is persisted through the journal; a restart resumes there
/// (duplicates possible, no gaps).
struct kafka_egress_state {
  static inline const char* name = "kafka-egress";

  kafka_egress_state() = default;
  kafka_egress_state(const kafka_egress_state&) = delete;
  kafka_egress_state& operator=(const kafka_egress_state&) = delete;
  /// Gives outstanding deliveries a moment before the producer goes.
  ~kafka_egress_state();

  kafka_egress_actor::pointer self = nullptr;
  actors::journal_actor journal;
  kafka_settings settings;
  std::shared_ptr<kafka_metrics> stats;
  caf::timespan timeout{};
  kafka_handle producer;
  /// Highest outbox id handed to the producer; -1: start at the persisted
  /// position.
  int64_t read_up_to = -1;
  /// Outbox id -> records not yet acknowledged, in read order.
  std::map<int64_t, int> inflight;
  /// Highest id acknowledged contiguously, and the one persisted.
  int64_t acked = -1;
  int64_t persisted = -1;
  bool reading = false;
  bool woken = false;
  bool persisting = false;
  /// A delivery failed for good: re-read from `acked`.
  bool failed = false;

  void fill();
  void produce(const persistence::outbox_record& ev);
  void tick();
  void delivered(int64_t id, bool ok);
  void persist();
};

kafka_egress_actor::behavior_type
kafka_egress(kafka_egress_actor::stateful_pointer<kafka_egress_state> self,
             actors::journal_actor journal, kafka_settings settings,
             std::shared_ptr<kafka_metrics> stats, caf::timespan timeout,
             start_promise started);

} // namespace actodo::io

#pragma once

#include <memory>

#include "config/metrics.hpp"

namespace actodo::io {

/// The Kafka bridge's metrics, counted by the egress and the ingress.
struct kafka_metrics {
  /// Registers the `actodo_kafka_*` families in `reg`.
  explicit kafka_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests).
  kafka_metrics();

  /// Owns the series below.
  std::shared_ptr<config::registry> registry;
  /// Records acknowledged by the broker (events, results, DLQ).
  config::gauge& produced;
  /// Command records consumed.
  config::gauge& consumed;
  /// Failed deliveries and rejected (DLQ) records.
  config::gauge& failed;
  /// Command records behind the partitions' high watermarks.
  config::gauge& consumer_lag;
  /// Committed events not yet acknowledged by Kafka.
  config::gauge& outbox_backlog;
};

} // namespace actodo::io

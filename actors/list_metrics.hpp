#pragma once

#include <memory>

#include "config/metrics.hpp"

namespace actodo::actors {

/// The `todo_list` actors the user directory keeps: resident, spawned and
/// passivated ones.
struct list_metrics {
  /// Registers the spawned and passivated counters in `reg`; `live` is
  /// a series of the node's `actodo_actors` family (`node_metrics`).
  list_metrics(std::shared_ptr<config::registry> reg, config::gauge& live);

  /// Owns the series below.
  std::shared_ptr<config::registry> registry;
  /// Live `todo_list` actors.
  config::gauge& resident;
  /// Spawned on first use or reload.
  config::gauge& spawned;
  /// Passivated when idle.
  config::gauge& passivated;
};

} // namespace actodo::actors

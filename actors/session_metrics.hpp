#pragma once

#include <memory>

#include "config/metrics.hpp"

namespace actodo::actors {

/// WebSocket sessions and their frames, counted by the web layer's sockets
/// (`web/websocket_session`) and read by the console; the `session` actor
/// itself only counts its messages (`actor_metrics`).
struct session_metrics {
  /// Registers the `actodo_ws_*` families in `reg`.
  explicit session_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests).
  session_metrics();

  /// Owns the series below.
  std::shared_ptr<config::registry> registry;
  /// Open sessions.
  config::gauge& sessions;
  config::gauge& frames_sent;
  config::gauge& frames_received;
  /// Sockets closed because their outbound queue was full.
  config::gauge& dropped;
};

} // namespace actodo::actors

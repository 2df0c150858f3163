#include "actors/session_metrics.hpp"

namespace actodo::actors {

session_metrics::session_metrics(std::shared_ptr<config::registry> reg)
  : registry(std::move(reg)),
    sessions(
      registry->add_gauge("actodo_ws_sessions", "Open WebSocket sessions.")),
    frames_sent(registry->add_counter("actodo_ws_frames_sent_total",
                                      "WebSocket frames written to clients.")),
    frames_received(
      registry->add_counter("actodo_ws_frames_received_total",
                            "WebSocket messages received from clients.")),
    dropped(registry->add_counter(
      "actodo_ws_slow_readers_dropped_total",
      "Sockets closed because their outbound queue was full.")) {}

session_metrics::session_metrics()
  : session_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::actors

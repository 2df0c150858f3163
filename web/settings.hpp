#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "config/metrics.hpp"

namespace actodo::web {

/// What the web layer takes from the node configuration.
struct settings {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  size_t io_threads = 1;
  size_t body_limit = 1024 * 1024;
  size_t header_limit = 16 * 1024;
  size_t ws_message_limit = 64 * 1024;
  size_t ws_queue_limit = 4096;
  /// Bytes queued for slow WebSocket readers: per socket and per user.
  size_t ws_queue_bytes = 4 * 1024 * 1024;
  size_t ws_user_queue_bytes = 16 * 1024 * 1024;
  /// permessage-deflate (RFC 7692) offered to clients.
  bool ws_deflate = false;
  /// Open connections at most; 0: derived from the file-descriptor limit.
  size_t max_connections = 0;
  /// Comma list of origins allowed to make cross-origin requests (`*`: any).
  std::string cors_origins;
  std::chrono::seconds read_timeout{30};
  /// After a response that closes the connection, how long unread request
  /// bytes are drained so the client sees the status instead of a reset.
  std::chrono::milliseconds linger_timeout{2000};
  /// Serve the diagnostic echo endpoint `/diag/ws-echo`.
  bool ws_echo = false;
  /// Serve the UI from this directory instead of the embedded copy.
  std::string ui_dir;
  /// `--auth=token`: every API call needs `Authorization: Bearer <jwt>`.
  bool token_auth = false;
  /// Requests per second per user / per client address; 0: unlimited.
  size_t rate_limit = 0;
  size_t ip_rate_limit = 0;
  /// RRULE previews and occurrence listings per second per user (in both
  /// auth modes); 0: unlimited.
  size_t preview_rate_limit = 0;
  /// Shared with the actors; rendered at `/metrics`.
  std::shared_ptr<config::metrics> stats = std::make_shared<config::metrics>();
  /// HS256 key of the access tokens (never logged).
  std::string jwt_secret;
};

} // namespace actodo::web

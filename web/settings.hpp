#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "actors/session_metrics.hpp"
#include "config/metrics.hpp"
#include "config/settings.hpp"
#include "web/http_metrics.hpp"

namespace actodo::web {

/// The web layer's options (config/settings.hpp, declared and defaulted
/// there once) plus what the node wires in.
struct settings : config::web_options {
  /// Largest request head (request line and headers) in bytes.
  size_t header_limit = 16 * 1024;
  /// `--auth=token`: every API call needs `Authorization: Bearer <jwt>`;
  /// the per-user and per-address rate limits apply only then.
  bool token_auth = false;
  /// Every module's metric families, rendered at `/metrics` (`main`
  /// registers them all; by default only the two below are in it).
  std::shared_ptr<config::registry>
    metrics = std::make_shared<config::registry>();
  /// Requests per route, counted by the router.
  std::shared_ptr<http_metrics> http = std::make_shared<http_metrics>(metrics);
  /// WebSocket sessions and frames, counted by the sockets (the console
  /// reads them too).
  std::shared_ptr<actors::session_metrics>
    sessions = std::make_shared<actors::session_metrics>(metrics);
  /// The body limit of upload routes (`--imports.max-bytes`), for
  /// authenticated requests only; at most `body_limit` turns it off.
  uint64_t upload_limit = 0;
  /// Upload bodies read or waiting for their answer at once on this node
  /// (`--imports.max-uploads`); more: 503.
  int64_t max_uploads = 4;
  std::shared_ptr<std::atomic<int64_t>>
    uploads = std::make_shared<std::atomic<int64_t>>(0);
  /// HS256 key of the access tokens (never logged).
  std::string jwt_secret;
};

} // namespace actodo::web

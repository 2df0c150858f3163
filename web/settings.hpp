#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "config/metrics.hpp"
#include "config/settings.hpp"

namespace actodo::web {

/// The web layer's options (config/settings.hpp, declared and defaulted
/// there once) plus what the node wires in.
struct settings : config::web_options {
  /// Largest request head (request line and headers) in bytes.
  size_t header_limit = 16 * 1024;
  /// `--auth=token`: every API call needs `Authorization: Bearer <jwt>`;
  /// the per-user and per-address rate limits apply only then.
  bool token_auth = false;
  /// Shared with the actors; rendered at `/metrics`.
  std::shared_ptr<config::metrics> stats = std::make_shared<config::metrics>();
  /// HS256 key of the access tokens (never logged).
  std::string jwt_secret;
};

} // namespace actodo::web

#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "config/metrics.hpp"

namespace actodo::web {

/// Answered HTTP requests by route pattern, method and status, and their
/// latency by route pattern (`actodo_http_requests_total`,
/// `actodo_http_request_duration_seconds`).
class http_metrics {
 public:
  /// Registers the two families in `reg`.
  explicit http_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests).
  http_metrics();

  /// One call per answered request. `route` is the route pattern (bounded
  /// cardinality), not the path. Nothing with `--no-metrics`.
  void request(const std::string& route, const std::string& method, int status,
               double seconds);

  /// `--no-metrics` turns the per-request bookkeeping off.
  std::atomic<bool> enabled{true};

 private:
  std::shared_ptr<config::registry> registry_;
  config::family& requests_;
  config::family& latency_;
};

} // namespace actodo::web

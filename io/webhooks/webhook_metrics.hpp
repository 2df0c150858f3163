#pragma once

#include <memory>

#include "config/metrics.hpp"

namespace actodo::io::webhooks {

/// What the webhooks count (`actodo_webhook_*`).
struct webhook_metrics {
  /// Registers the families in `reg`.
  explicit webhook_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests, a node without `/metrics`).
  webhook_metrics();

  std::shared_ptr<config::registry> registry;
  /// Every POST to a receiver, and those not answered with a 2xx.
  config::gauge& attempts;
  config::gauge& failures;
  /// Webhooks disabled after `--webhooks.retry-for`.
  config::gauge& disabled;
  /// Deliverers running on this node.
  config::gauge& running;
  /// From the start of a POST to its end (answer, error or timeout).
  config::histogram& seconds;
};

} // namespace actodo::io::webhooks

#include "io/webhooks/webhook_metrics.hpp"

namespace actodo::io::webhooks {

webhook_metrics::webhook_metrics(std::shared_ptr<config::registry> reg)
  : registry(std::move(reg)),
    attempts(registry->add_counter("actodo_webhook_attempts_total",
                                   "Webhook deliveries posted to receivers.")),
    failures(registry->add_counter(
      "actodo_webhook_failures_total",
      "Webhook deliveries not answered with a 2xx (retried).")),
    disabled(registry->add_counter(
      "actodo_webhooks_disabled_total",
      "Webhooks disabled after failing for --webhooks.retry-for.")),
    running(registry->add_gauge("actodo_webhooks_running",
                                "Webhook deliverers running on this node.")),
    seconds(registry->add_histogram(
      "actodo_webhook_delivery_seconds",
      "Duration of one webhook POST (answer, error or timeout).",
      config::latency_bounds())) {}

webhook_metrics::webhook_metrics()
  : webhook_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::io::webhooks

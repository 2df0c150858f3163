#include "web/http_metrics.hpp"

namespace actodo::web {

http_metrics::http_metrics(std::shared_ptr<config::registry> reg)
  : registry_(std::move(reg)),
    requests_(registry_->add(
      "actodo_http_requests_total",
      "HTTP requests answered, by route pattern, method and status.",
      config::metric_type::counter)),
    latency_(registry_->add(
      "actodo_http_request_duration_seconds",
      "Time from a parsed request to its response, by route pattern.",
      config::metric_type::histogram, config::latency_bounds())) {}

void http_metrics::request(const std::string& route, const std::string& method,
                           int status, double seconds) {
  if (!enabled.load(std::memory_order_relaxed))
    return;
  auto by_route = config::label("route", route);
  requests_
    .at(by_route + "," + config::label("method", method) + ","
        + config::label("status", std::to_string(status)))
    .add();
  latency_.histogram_at(by_route).observe(seconds);
}

http_metrics::http_metrics()
  : http_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::web

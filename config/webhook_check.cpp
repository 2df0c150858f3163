#include "config/checks.hpp"
#include "config/settings.hpp"

namespace actodo::config {

caf::error validate_webhooks(const webhook_options& x) {
  using namespace std::chrono_literals;
  if (x.max_per_user < 0 || x.max_per_user > 1000)
    return invalid("webhooks.max-per-user", "must be between 0 and 1000");
  if (x.retry_initial < 100ms || x.retry_initial > 1h)
    return invalid("webhooks.retry-initial", "must be between 100ms and 1h");
  if (x.retry_max < x.retry_initial || x.retry_max > 24h)
    return invalid("webhooks.retry-max",
                   "must be between --webhooks.retry-initial and 24h");
  if (x.retry_for < 1s || x.retry_for > 24h * 30)
    return invalid("webhooks.retry-for", "must be between 1s and 720h");
  if (x.timeout < 100ms || x.timeout > 5min)
    return invalid("webhooks.timeout", "must be between 100ms and 5min");
  if (x.keep_deliveries < 1 || x.keep_deliveries > 10000)
    return invalid("webhooks.keep-deliveries", "must be between 1 and 10000");
  return {};
}

caf::error validate_imports(const import_options& x) {
  using namespace std::chrono_literals;
  if (x.max_bytes < 1024 || x.max_bytes > int64_t{1} << 30)
    return invalid("imports.max-bytes", "must be between 1024 and 1073741824");
  if (x.max_items < 1 || x.max_items > 10000000)
    return invalid("imports.max-items", "must be between 1 and 10000000");
  if (x.max_active < 1 || x.max_active > 100)
    return invalid("imports.max-active", "must be between 1 and 100");
  if (x.max_running < 1 || x.max_running > 64)
    return invalid("imports.max-running", "must be between 1 and 64");
  if (x.max_uploads < 1 || x.max_uploads > 1024)
    return invalid("imports.max-uploads", "must be between 1 and 1024");
  if (x.lease < 2s || x.lease > 10min)
    return invalid("imports.lease", "must be between 2s and 10min");
  return {};
}

} // namespace actodo::config

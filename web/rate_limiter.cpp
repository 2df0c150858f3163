#include "web/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace actodo::web {

rate_limiter::rate_limiter(size_t rate, size_t max_keys)
  : rate_(static_cast<double>(rate)),
    burst_(2.0 * static_cast<double>(rate)),
    max_keys_(max_keys) {}

long rate_limiter::take(const std::string& key, clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto refill = [&](bucket& b) {
    std::chrono::duration<double> dt = now - b.last;
    b.tokens = std::min(burst_, b.tokens + dt.count() * rate_);
    b.last = now;
  };
  auto i = buckets_.find(key);
  if (i == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      for (auto j = buckets_.begin(); j != buckets_.end();) {
        refill(j->second);
        j = j->second.tokens >= burst_ ? buckets_.erase(j) : std::next(j);
      }
    }
    i = buckets_.emplace(key, bucket{burst_, now}).first;
  }
  auto& b = i->second;
  refill(b);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1L, static_cast<long>(std::ceil((1.0 - b.tokens) / rate_)));
}

} // namespace actodo::web

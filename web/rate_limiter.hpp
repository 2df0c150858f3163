#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace actodo::web {

/// Token buckets per key (user or client address): `rate` tokens per
/// second, at most `2 * rate` saved up. Thread-safe. Memory stays bounded:
/// when the table grows past `max_keys`, buckets that are full again (idle
/// clients) are dropped.
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(size_t rate, size_t max_keys = 100000);

  /// Takes one token for `key`; returns 0 when granted, else the seconds to
  /// wait before the next token (for `Retry-After`).
  long take(const std::string& key, clock::time_point now = clock::now());

 private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };

  double rate_;
  double burst_;
  size_t max_keys_;
  std::mutex mtx_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace actodo::web

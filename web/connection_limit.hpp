#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace actodo::web {

/// Counts open connections against `--max-connections`. A connection holds
/// its slot (a `shared_ptr` that gives it back when the last owner lets go)
/// from accept until its socket closes, also after a WebSocket upgrade.
class connection_limit {
 public:
  explicit connection_limit(size_t max) : max_(max) {}

  /// A slot, or null when `max` connections are open.
  std::shared_ptr<void> acquire();

  size_t open() const {
    return open_.load();
  }
  size_t max() const {
    return max_;
  }

 private:
  size_t max_;
  std::atomic<size_t> open_{0};
};

/// Raises the soft limit of open files to the hard limit; returns the new
/// soft limit.
size_t raise_fd_limit();

/// `--max-connections` when 0 (the default): what the file-descriptor
/// limit leaves after a reserve for the store, CAF and Kafka.
size_t default_max_connections(size_t fd_limit);

} // namespace actodo::web

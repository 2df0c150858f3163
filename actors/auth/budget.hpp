#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace actodo::actors::auth {

/// At most `limit` counted attempts per key (a username, a client address)
/// in a fixed window that starts with the first attempt. Attempts still
/// running count as well, so a burst of concurrent requests cannot slip
/// through before the first failure is recorded. Not thread-safe: one owner
/// (the `accounts` actor). A limit of 0 turns the budget off.
class budget {
 public:
  using clock = std::chrono::steady_clock;

  budget(size_t limit, clock::duration window, size_t max_keys = 100000);

  /// 0 when `key` may try now, else the seconds until it may (for
  /// `Retry-After`, at least 1).
  int64_t retry_after(const std::string& key, clock::time_point now) const;

  /// An attempt starts (it counts until `finish`).
  void start(const std::string& key, clock::time_point now);

  /// An attempt ends; `counted` keeps it in the window (a failure), else it
  /// is forgotten.
  void finish(const std::string& key, bool counted);

  /// Forgets `key` (a successful login clears its username's failures).
  void clear(const std::string& key);

  size_t size() const {
    return entries_.size();
  }

 private:
  struct entry {
    size_t counted = 0;
    size_t running = 0;
    clock::time_point since;
  };

  /// Drops windows that ended; when still full, the oldest entry.
  void make_room(clock::time_point now);

  size_t limit_;
  clock::duration window_;
  size_t max_keys_;
  std::unordered_map<std::string, entry> entries_;
};

} // namespace actodo::actors::auth

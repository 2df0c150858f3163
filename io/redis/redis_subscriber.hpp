#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "caf/error.hpp"

#include "io/redis/redis_uri.hpp"

namespace actodo::io::redis {

/// Subscribes to Redis channels on a thread of its own, with a connection
/// of its own (hiredis, non-blocking, driven by `poll`). It reconnects and
/// subscribes again after a failure, with the backoff of
/// `redis_connection` (100 ms doubling up to 2 s, reset once subscribed).
/// Messages published while it is disconnected are lost: `on_subscribed`
/// runs after every successful (re)subscribe so that the owner reads the
/// state again. An idle connection is checked with a PING (every 5 s by
/// default; the answer is due within the timeout). Both handlers run on
/// the subscriber's thread and must not throw; `stop()` from a handler
/// only asks the thread to end.
class redis_subscriber {
 public:
  using message_handler = std::function<void(std::string channel,
                                             std::string payload)>;
  using subscribed_handler = std::function<void()>;

  /// Starts the thread, which connects to `endpoint` and subscribes to
  /// `channels`. `timeout` bounds the connect and every answer; after
  /// `ping_interval` without traffic it sends a PING. Throws
  /// `std::system_error` when it cannot create its wake-up pipe or thread.
  redis_subscriber(
    redis_endpoint endpoint, std::vector<std::string> channels,
    message_handler on_message, subscribed_handler on_subscribed,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{1000},
    std::chrono::milliseconds ping_interval = std::chrono::milliseconds{5000});

  redis_subscriber(const redis_subscriber&) = delete;
  redis_subscriber& operator=(const redis_subscriber&) = delete;

  /// Calls `stop()`.
  ~redis_subscriber();

  /// Ends the thread and waits for it: it wakes up at once, whatever it
  /// waits for (only a DNS lookup cannot be interrupted). Called from a
  /// handler, it only asks the thread to end. Idempotent.
  void stop();

  /// Whether the subscription is active now.
  bool subscribed() const noexcept {
    return subscribed_;
  }

  /// The last failure (`ec::unavailable`), none before the first one.
  caf::error last_error() const;

 private:
  /// Connects, subscribes and delivers messages until a failure (the
  /// error) or `stop` (none).
  caf::error session();
  void run();
  /// Records a failure and returns it.
  caf::error fail(const std::string& why);

  redis_endpoint endpoint_;
  std::vector<std::string> channels_;
  message_handler on_message_;
  subscribed_handler on_subscribed_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds ping_interval_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  /// A byte in `wake_[1]` makes every wait of the thread return.
  int wake_[2] = {-1, -1};
  mutable std::mutex mtx_;
  caf::error last_error_;
  std::thread thread_;
};

} // namespace actodo::io::redis
